"""The plan PostgreSQL picks for an alert's deliveries among 100,000 outbox rows: the
alert through its primary key (with the access rule), its rows through
``notifications (alert_id, created_at)``, never a sequential scan. SQLite is skipped."""

from __future__ import annotations

import re

from sqlalchemy import text

from bench._reads_support import stable_id
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.deliveries import SqlDeliveryViews
from cuiot.application.shared.queries import Viewer, Window
from tests.integration.test_views_explain import ROWS, TODAY, Explaining, big, seeded

__all__ = ["big"]  # the seeded database, a fixture of the view plans' tests

OUTBOX = f"""
    INSERT INTO notifications (id, channel, address, subject, body, created_at, kind,
        recipient_user_id, recipient_name, alert_id, escalation_level, payload, status,
        attempts, sent_at)
    SELECT {stable_id('notification', 'i')}, 'email', 'ana@example.com', 'CUIOT', 'alerta',
           now() - (i * interval '7 seconds'), 'alert', NULL, 'Ana Paz',
           {stable_id('alert', f'(i - 1) % {ROWS} + 1')}, 1, '{{}}', 'sent', 1, now()
    FROM generate_series(1, {ROWS}) AS i"""


async def test_an_alerts_deliveries_come_through_the_indexes(big, engine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(OUTBOX))
        await conn.execute(text("ANALYZE notifications"))
    viewers = (Viewer(seeded("user", 7)), Viewer(seeded("user", 1), is_admin=True))
    async with ReadSide(engine).transaction() as conn:
        explaining = Explaining(conn)
        for viewer in viewers:
            await SqlDeliveryViews(explaining).of_alert(  # type: ignore[arg-type]
                viewer, TODAY, seeded("alert", 7), Window(0, 50))
    for plan in explaining.plans:
        assert not set(re.findall(r"Seq Scan on (\w+)", plan)) & (big | {"notifications"}), plan
        assert "ix_notifications_alert_created" in plan, plan
