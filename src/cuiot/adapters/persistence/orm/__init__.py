"""Tables and the imperative mapping of the domain's classes onto them, one module per
business area on one MetaData (cosmicpython's ``orm.py``, split by area).

Each area module defines its ``Table``s and a function decorated with ``@mapping`` that
maps the area's domain classes with ``mapper_registry.map_imperatively``. The domain
never imports SQLAlchemy: the mapping is applied to its classes from here, once, by
``start_mappers()`` (the unit of work calls it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ForeignKey, MetaData, Table, event
from sqlalchemy.orm import Mapper, registry, relationship

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
    """A foreign key, checked by the statement that writes the row (the ORM writes
    parents before children)."""
    return ForeignKey(target, **kwargs)


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
    _order_writes_by_foreign_keys()
    _started = True


def _order_writes_by_foreign_keys() -> None:
    """SQLAlchemy orders a flush by the mapped relationships, not by the tables' foreign
    keys. Aggregates refer to each other by id (an alert holds its ``cared_person_id``, not
    the person), so for every foreign key between two mapped tables that no relationship
    covers yet, the referring class gets a many-to-one relationship that is never set nor
    loaded (``lazy="raise"``). It only tells the unit of work to insert the referred row
    first and delete it last, so each foreign key can be checked at once."""
    by_table: dict[Any, Mapper[Any]] = {}
    for mapper in mapper_registry.mappers:
        by_table.setdefault(mapper.local_table, mapper)
    covered = {column for mapper in mapper_registry.mappers
               for rel in mapper.relationships for pair in rel.local_remote_pairs
               for column in pair}
    for mapper in list(mapper_registry.mappers):
        table = mapper.local_table
        if not isinstance(table, Table):
            continue
        for fkey in sorted(table.foreign_keys, key=lambda f: f.parent.name):
            target = by_table.get(fkey.column.table)
            if target is None or fkey.parent in covered or target is mapper:
                continue
            mapper.add_property(f"_refers_{fkey.parent.name}", relationship(
                target.class_, primaryjoin=fkey.parent == fkey.column,
                foreign_keys=[fkey.parent], lazy="raise", passive_deletes="all"))


def restore_on_load(cls: type, **defaults: Callable[[], Any]) -> None:
    """What ``__init__``/``__post_init__`` would have set on an object the ORM loads
    (it builds loaded objects without calling ``__init__``): ``name=factory`` pairs."""

    def restore(target: Any, _context: Any) -> None:
        for name, factory in defaults.items():
            target.__dict__.setdefault(name, factory())

    event.listen(cls, "load", restore)
