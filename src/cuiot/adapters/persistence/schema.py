"""The whole schema: importing every table module fills the one MetaData."""

from cuiot.adapters.persistence.tables import care, metadata, users  # noqa: F401
from cuiot.adapters.persistence.tables import referrals  # noqa: F401
from cuiot.adapters.persistence.tables import reviews  # noqa: F401
from cuiot.adapters.persistence.tables import billing  # noqa: F401
from cuiot.adapters.persistence.tables import safety  # noqa: F401
from cuiot.adapters.persistence.tables import auth  # noqa: F401

from cuiot.adapters.persistence.tables import rejections  # noqa: F401
from cuiot.adapters.persistence.tables import device_commands  # noqa: F401

__all__ = ["metadata"]
