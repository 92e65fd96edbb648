"""Tables and the imperative mapping of the domain's classes onto them, one module per
business area on one MetaData (cosmicpython's ``orm.py``, split by area).

Each area module defines its ``Table``s and a function decorated with ``@mapping`` that
maps the area's domain classes with ``mapper_registry.map_imperatively``. The domain
never imports SQLAlchemy: the mapping is applied to its classes from here, once, by
``start_mappers()`` (the unit of work calls it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ForeignKey, MetaData, event
from sqlalchemy.orm import registry

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)
mapper_registry = registry(metadata=metadata)

_MAPPINGS: list[Callable[[], None]] = []
_started = False


def fk(target: str, **kwargs: Any) -> ForeignKey:
    """A foreign key checked at commit, so the unit of work may write in any order."""
    return ForeignKey(target, deferrable=True, initially="DEFERRED", **kwargs)


def mapping(function: Callable[[], None]) -> Callable[[], None]:
    """Register an area's mapping function; ``start_mappers`` runs each once."""
    _MAPPINGS.append(function)
    return function


def start_mappers() -> None:
    """Map every domain class (idempotent: the first call maps, later ones do nothing)."""
    global _started
    if _started:
        return
    from cuiot.adapters.persistence import schema  # noqa: F401 - imports every area module

    for function in _MAPPINGS:
        function()
    mapper_registry.configure()
    _started = True


def restore_on_load(cls: type, **defaults: Callable[[], Any]) -> None:
    """What ``__init__``/``__post_init__`` would have set on an object the ORM loads
    (it builds loaded objects without calling ``__init__``): ``name=factory`` pairs."""

    def restore(target: Any, _context: Any) -> None:
        for name, factory in defaults.items():
            target.__dict__.setdefault(name, factory())

    event.listen(cls, "load", restore)
