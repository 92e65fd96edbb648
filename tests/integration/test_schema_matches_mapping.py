"""The schema the migrations make is the one the ORM maps and the views query: every
table, column, constraint and index of the metadata, and nothing else (on PostgreSQL the
monthly partitions of events and alerts are the migrations' own and are left out)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.schema import metadata

PARTITION = re.compile(r"_(\d{4}_\d{2}|default)(_|$)")


def _not_a_partition(obj: Any, name: str | None, type_: str, reflected: bool,
                     compare_to: Any) -> bool:
    table = getattr(obj, "table", obj) if type_ == "index" else obj
    return not (reflected and PARTITION.search(getattr(table, "name", name or "") or ""))


# SQLite cannot reflect the expression index on lower(email); Alembic says so and skips it.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
async def test_the_migrations_make_the_mapped_schema(engine: AsyncEngine) -> None:
    def differences(conn: Any) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"include_object": _not_a_partition})
        return list(compare_metadata(context, metadata))

    async with engine.connect() as conn:
        assert await conn.run_sync(differences) == []
