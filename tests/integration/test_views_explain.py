"""The plans PostgreSQL picks for the alert and event lists on a big table: 100,000
events and 100,000 alerts over 2,000 cared persons, analyzed. The lists of a family
member, of one cared person and of a cared person's own account read ``events`` and
``alerts`` through their indexes, never with a sequential scan. SQLite is skipped: its
planner is not the one production relies on."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import ClauseElement, Executable, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles

from bench._reads_support import seed_people_sql, stable_id
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.safety import SqlAlertViews, SqlEventViews
from cuiot.application.safety.ports import AlertFilter, EventFilter
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.alerts import AlertStatus

PERSONS, ROWS = 2_000, 100_000
TODAY = date(2026, 1, 15)


class Explain(Executable, ClauseElement):
    """``EXPLAIN <statement>``, with the statement's parameters bound as usual."""

    inherit_cache = False

    def __init__(self, statement: Any) -> None:
        self.statement = statement


@compiles(Explain, "postgresql")
def _explain(element: Explain, compiler: Any, **kw: Any) -> str:
    return "EXPLAIN " + compiler.process(element.statement, **kw)


class _NoRows(list[Any]):
    def first(self) -> None:
        return None


class Explaining:
    """Stands for a view's connection: runs ``EXPLAIN`` of each statement instead, keeps
    the plan and answers with no rows."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn, self.plans = conn, []

    async def execute(self, statement: Any, parameters: Any = None) -> _NoRows:
        plan = await self.conn.execute(Explain(statement), parameters)
        self.plans.append("\n".join(plan.scalars()))
        return _NoRows()


def seeded(kind: str, n: int) -> UUID:
    """The id ``stable_id(kind, n)`` gives in SQL."""
    return UUID(hashlib.md5(f"{kind}-{n}".encode()).hexdigest())


def _rows_sql(table: str) -> str:
    """``ROWS`` rows round robin over the persons (and their one device), over 89 days."""
    person, device = stable_id("person", f"(i - 1) % {PERSONS} + 1"), stable_id(
        "device", f"(i - 1) % {PERSONS} + 1")
    at = "now() - (i * interval '77 seconds')"  # this month's partitions and the default
    if table == "events":
        return f"""
            INSERT INTO events (id, timestamp, device_pk, cared_person_id, event_type,
                severity, received_at, sensor_data, msg_id, size_bytes)
            SELECT {stable_id('event', 'i')}, {at}, {device}, {person}, 'blood_pressure',
                   CASE WHEN i % 20 = 0 THEN 'high' ELSE 'low' END, {at},
                   '{{"systolic": 121, "diastolic": 79, "pulse": 70}}', 'm-' || i, 48
            FROM generate_series(1, {ROWS}) AS i"""
    return f"""
        INSERT INTO alerts (id, created_at, cared_person_id, device_pk, alert_type, severity,
            status, escalation_level, repeats_at_max_level, occurrences, last_event_at,
            acknowledged_at, resolved_at)
        SELECT {stable_id('alert', 'i')}, {at}, {person}, {device}, 'panic_pressed', 'high',
               CASE WHEN i % 10 = 0 THEN 'acknowledged' ELSE 'resolved' END, 1, 0, 1, {at},
               {at} + interval '5 minutes',
               CASE WHEN i % 10 = 0 THEN NULL ELSE {at} + interval '1 hour' END
        FROM generate_series(1, {ROWS}) AS i"""


@pytest.fixture
async def big(database_url: str, engine: Any) -> set[str]:
    """The persons (user n holds person n), a family member of persons 1 to 3, person 4
    caring for themselves (their own account is user ``self-1``), the rows, ANALYZE.
    Returns the tables (partitions) of ``events`` and ``alerts`` that hold rows."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the plans are PostgreSQL's")
    own = stable_id("self", "1")
    statements = [
        *seed_people_sql(PERSONS),
        f"""INSERT INTO users (id, email, password_hash, first_name, last_name,
                capacity_status, is_active, created_at)
            SELECT {stable_id('family', 'n')}, 'family-' || n || '@example.com', 'x', 'Lucía',
                   'Familia', 'full', true, now() FROM generate_series(1, 1) AS n
            UNION ALL SELECT {own}, 'self@example.com', 'x', 'Rosa', 'Sola', 'full', true,
                   now()""",
        f"""INSERT INTO cared_person_members (cared_person_id, user_id)
            SELECT {stable_id('person', 'n')}, {stable_id('family', '1')}
            FROM generate_series(1, 3) AS n""",
        (f"UPDATE cared_persons SET user_id = {own}, care_type = 'self_care' "
         f"WHERE id = {stable_id('person', '4')}"),
        _rows_sql("events"), _rows_sql("alerts"),
    ]
    async with engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement))
        await conn.execute(text("ANALYZE"))
        filled = await conn.scalars(text(
            "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') AND reltuples > 0 "
            "AND (relname LIKE 'events%' OR relname LIKE 'alerts%')"))
        return set(filled.all()) | {"events", "alerts"}


VIEWERS = {
    "family member": (Viewer(seeded("family", 1)), None),
    "family member, one person": (Viewer(seeded("family", 1)), seeded("person", 2)),
    "the person's own account": (Viewer(seeded("self", 1)), None),
    "account holder, one person": (Viewer(seeded("user", 7)), seeded("person", 7)),
}


@pytest.mark.parametrize("who", list(VIEWERS))
async def test_the_lists_use_the_indexes_not_a_sequential_scan(big, engine, who) -> None:
    viewer, person = VIEWERS[who]
    async with ReadSide(engine).transaction() as conn:
        explaining = Explaining(conn)
        alerts = SqlAlertViews(explaining)  # type: ignore[arg-type]
        events = SqlEventViews(explaining)  # type: ignore[arg-type]
        window = Window(0, 50)
        await alerts.page(viewer, TODAY, AlertFilter(cared_person_id=person), window)
        await alerts.page(viewer, TODAY, AlertFilter(AlertStatus.RESOLVED,
                                                     cared_person_id=person), window)
        await events.page(viewer, TODAY, EventFilter(cared_person_id=person), window)
        await events.of_device(viewer, TODAY, seeded("device", 2), window)
    assert len(explaining.plans) == 4
    for plan in explaining.plans:  # an empty partition (months ahead) may be seq-scanned
        scanned = set(re.findall(r"Seq Scan on (\w+)", plan))
        assert not scanned & big, plan
        assert re.search(r"Index (Only )?Scan (using \w+ )?on (events|alerts)", plan), plan


async def test_an_admins_alert_list_walks_the_newest_alerts_index(big, engine) -> None:
    """No person to start from: ``alerts (created_at, id)`` backwards, partition by
    partition, not a sort of every alert."""
    admin = Viewer(seeded("user", 1), is_admin=True)
    async with ReadSide(engine).transaction() as conn:
        explaining = Explaining(conn)
        await SqlAlertViews(explaining).page(  # type: ignore[arg-type]
            admin, TODAY, AlertFilter(), Window(0, 50))
    [plan] = explaining.plans
    assert not set(re.findall(r"Seq Scan on (\w+)", plan)) & big, plan
    assert "ix_alerts_created" in plan or "created_at_id_idx" in plan, plan
