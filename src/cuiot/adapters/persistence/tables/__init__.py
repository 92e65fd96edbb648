"""Table definitions, one module per area, on one MetaData."""

from sqlalchemy import MetaData

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


def fk(target: str, **kwargs):  # noqa: ANN201
    """A foreign key checked at commit, so the unit of work may write in any order."""
    from sqlalchemy import ForeignKey

    return ForeignKey(target, deferrable=True, initially="DEFERRED", **kwargs)
