"""The plan PostgreSQL picks for a person's coverage on big tables (``big`` of
test_views_explain: 100,000 alerts over 2,000 persons, and here 200,000 notifications of
them): the person's alerts through their index, their notifications through
``(alert_id, created_at)``, never a sequential scan of a big table."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from bench._reads_support import stable_id
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.coverage import SqlCoverageViews
from cuiot.application.shared.queries import Viewer
from tests.integration.test_views_explain import (  # noqa: F401
    ROWS,
    TODAY,
    Explain,
    big,
    seeded,
)

ALERT = stable_id("alert", f"(i - 1) % {ROWS} + 1")  # two notifications per alert
NOTIFICATIONS = f"""
    INSERT INTO notifications (id, channel, address, subject, body, created_at, kind,
        alert_id, payload, status, attempts, sent_at)
    SELECT {stable_id('notification', 'i')}, 'email', 'x@example.com', 's', 'b',
           now() - (i * interval '40 seconds'), 'alert', {ALERT}, '{{}}', 'sent', 1,
           now() - (i * interval '40 seconds')
    FROM generate_series(1, {2 * ROWS}) AS i"""


class _Rows(list[Any]):
    def all(self) -> list[Any]:
        return []


class Explaining:
    """Stands for the view's connection: keeps the plan of each statement, no rows."""

    def __init__(self, conn: Any) -> None:
        self.conn, self.plans = conn, []

    async def execute(self, statement: Any, parameters: Any = None) -> _Rows:
        plan = await self.conn.execute(Explain(statement), parameters)
        self.plans.append("\n".join(plan.scalars()))
        return _Rows()


async def test_a_persons_coverage_reads_through_the_indexes(big, engine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(NOTIFICATIONS))
        await conn.execute(text("ANALYZE notifications"))
    since = datetime.now(UTC) - timedelta(hours=24)
    async with ReadSide(engine).transaction() as conn:
        explaining = Explaining(conn)
        for viewer in (Viewer(seeded("user", 7)), Viewer(seeded("user", 1), is_admin=True)):
            await SqlCoverageViews(explaining).inputs(  # type: ignore[arg-type]
                viewer, seeded("person", 7), TODAY, since)
    for plan in explaining.plans:  # an empty partition (months ahead) may be seq-scanned
        assert not set(re.findall(r"Seq Scan on (\w+)", plan)) & (big | {"notifications"}), plan
        assert "ix_notifications_alert_created" in plan, plan
        assert re.search(r"Index (Only )?Scan (using|on) alerts\w*_cared_person_id\w*", plan), plan
