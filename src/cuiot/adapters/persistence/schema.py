"""The whole schema: importing every table module fills the one MetaData."""

from cuiot.adapters.persistence.orm import (  # noqa: F401
    ack_links,
    audit,
    billing,
    care,
    coverage,
    identity,
    live,
    metadata,
    referrals,
    reviews,
    safety,
)

__all__ = ["metadata"]
