"""``persistence.bulk`` on SQLite and PostgreSQL: rows and keys sent as one parameter per
column (arrays, or a JSON document) come back as the column types bind and load them,
and the statement's text does not depend on how many there are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Uuid, insert, select

from cuiot.adapters.persistence import bulk
from cuiot.adapters.persistence.types import EnumText, ExactDecimal, Json, UtcDateTime
from cuiot.domain.sensor_events import Severity
from tests.integration.test_safety_persistence import a_user, store
from tests.support.statements import statements

things = Table(
    "bulk_things", MetaData(),
    Column("id", Uuid, primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("severity", EnumText(Severity, 10)),
    Column("data", Json),
    Column("count", Integer),
    Column("name", String),
    Column("price", ExactDecimal),
    Column("done", Boolean),
    prefixes=["TEMPORARY"],
)

NOW = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)


def a_thing(n: int, **values: Any) -> dict[str, Any]:
    return {"id": uuid4(), "at": NOW + timedelta(microseconds=n), "severity": Severity.HIGH,
            "data": {"n": n}, "count": n, "name": f"cosa {n}", "price": Decimal("10.5"),
            "done": n % 2 == 0} | values


ODD = [
    a_thing(1, severity=None, data=None, count=None, name=None, price=None, done=None),
    a_thing(2, data=[1, "dos", {"tres": [3.5, None, True]}], name="ñandú \"comillas\" 'y' \\"),
    a_thing(3, data={"emoji": "🚑", "vacío": {}, "grande": 2**53}, count=-(2**31),
            name="", price=Decimal("-0.0001")),
    a_thing(4, at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC) + timedelta(hours=3), data="texto"),
]


async def test_rows_come_back_as_they_were_given(engine):
    async with engine.begin() as conn:
        await conn.run_sync(things.metadata.create_all)
        for size in (1, 4):
            await conn.execute(things.delete())
            given = ODD[:size]
            await conn.execute(insert(things).from_select(
                [c.key for c in things.columns], bulk.rows(things, conn.dialect)),
                bulk.values(things, conn.dialect, given))
            back = [dict(row) for row in (await conn.execute(select(things))).mappings()]
            assert sorted(back, key=str) == sorted(given, key=str)


async def test_keys_are_matched_one_of_many(engine):
    names = ["a", "ñandú", "it's", "", "🚑", "a,b", "x" * 64]
    given = [a_thing(n, name=name) for n, name in enumerate(names)]
    async with engine.begin() as conn:
        await conn.run_sync(things.metadata.create_all)
        await conn.execute(insert(things), given)
        for wanted in ([], ["ñandú"], ["it's", "", "nadie"], names):
            found = (await conn.execute(select(things.c.name).where(
                bulk.one_of(things.c.name, wanted, conn.dialect)))).scalars().all()
            assert sorted(found) == sorted(set(wanted) & set(names))
        ids = [given[1]["id"], given[4]["id"], uuid4()]  # keys the column's type binds
        found = (await conn.execute(select(things.c.name).where(
            bulk.one_of(things.c.id, ids, conn.dialect)))).scalars().all()
        assert sorted(found) == sorted([names[1], names[4]])
        with statements(engine) as run:
            for wanted in (ids[:1], ids):
                await conn.execute(select(things.c.name).where(
                    bulk.one_of(things.c.id, wanted, conn.dialect)))
        assert len(run) == 2 and run[0] == run[1]


async def test_the_text_is_the_same_for_any_number(engine):
    async with engine.begin() as conn:
        await conn.run_sync(things.metadata.create_all)
        stmt = insert(things).from_select([c.key for c in things.columns],
                                          bulk.rows(things, conn.dialect))
        with statements(engine) as run:
            for size in (1, 3, 40):
                await conn.execute(stmt, bulk.values(
                    things, conn.dialect, [a_thing(size * 100 + n) for n in range(size)]))
        assert len(run) == 3 and len(set(run)) == 1
        assert len((await conn.execute(select(things.c.id))).all()) == 44


async def test_a_repository_gets_any_number_of_aggregates_with_one_text(sql_uow, engine):
    """``get_many``, which escalation and coverage pages use with as many keys as the
    page holds: the same statement for one key as for three."""
    people = [a_user(f"Persona{n}") for n in range(3)]
    await store(sql_uow, *people)
    with statements(engine) as run:
        for wanted in ([people[0].id], [p.id for p in people] + [uuid4()]):
            async with sql_uow() as uow:
                found = await uow.users.get_many(wanted)
            assert set(found) == set(wanted[:3])
    reads = [s for s in run.queries() if "FROM users" in s]
    assert len(reads) == 2 and reads[0] == reads[1]
