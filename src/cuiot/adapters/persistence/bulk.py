"""Many rows, or many keys, sent in a statement whose text is the same for any number.

A ``VALUES`` list of N rows, or an ``IN`` list of N keys, is a new statement for every N.
The driver prepares each text once per connection and keeps it (asyncpg with N × columns
parameter types, SQLite compiled), so a path whose batch sizes vary with the load fills
every pooled connection's cache with statements that are never reused. Here the values go
in one parameter per column instead:

- PostgreSQL: one typed array per column, read back as rows by ``unnest``;
- SQLite: one JSON array of rows, read back by ``json_each``, each value as the column's
  own type would have bound it.

``one_of`` does the same for a list of keys (``= ANY(array)``, ``IN (json_each)``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Dialect,
    FromClause,
    Select,
    Table,
    any_,
    bindparam,
    func,
    select,
)
from sqlalchemy.dialects import postgresql


def rows(table: Table, dialect: Dialect) -> Select[Any]:
    """``SELECT`` of rows of ``table``'s columns, in their order, from the parameters
    ``values(…)`` gives: to ``INSERT … FROM`` it."""
    names = [c.key for c in table.columns]
    if dialect.name == "postgresql":
        arrays = [bindparam(f"rows_{c.key}", type_=postgresql.ARRAY(c.type, dimensions=1))
                  for c in table.columns]
        unnested = func.unnest(*arrays).table_valued(*names).render_derived()
        return select(*(unnested.c[name] for name in names))
    each = _json_each(bindparam("rows"))
    return select(*(func.json_extract(each.c.value, f"$[{i}]").label(name)
                    for i, name in enumerate(names))).select_from(each)


def values(table: Table, dialect: Dialect,
           given: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The parameters of ``rows(…)`` for these rows (a value for every column)."""
    if dialect.name == "postgresql":
        return {f"rows_{c.key}": [row[c.key] for row in given] for c in table.columns}
    binds = [(c.key, c.type.dialect_impl(dialect).bind_processor(dialect))
             for c in table.columns]
    return {"rows": orjson.dumps([[row[key] if bind is None else bind(row[key])
                                   for key, bind in binds] for row in given]).decode()}


def one_of(col: ColumnElement[Any], given: Collection[Any],
           dialect: Dialect) -> ColumnElement[bool]:
    """``col`` is one of ``given``: ``= ANY(array)``, or ``IN`` the JSON document's
    elements, each bound as ``col``'s type binds it."""
    if dialect.name == "postgresql":
        return col == any_(bindparam(None, list(given),
                                     type_=postgresql.ARRAY(col.type, dimensions=1)))
    bind = col.type.dialect_impl(dialect).bind_processor(dialect)
    keys = [key if bind is None else bind(key) for key in given]
    each = _json_each(bindparam(None, orjson.dumps(keys).decode()))
    return col.in_(select(each.c.value))


def _json_each(document: Any) -> FromClause:
    """SQLite's ``json_each``: a row per element of the JSON array, its ``value``."""
    return func.json_each(document).table_valued("value")
