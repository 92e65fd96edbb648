"""The plans PostgreSQL picks for the admin's audit log on a big table: 60,000 entries by
30 actors over 90 days, analyzed. Every filter reads ``audit_log`` through an index that
leads with it (the newest first, or the few rows of one subject), never with a
sequential scan. SQLite is skipped: its planner is not the one production relies on."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from bench._reads_support import stable_id
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.audit import SqlAuditViews
from cuiot.application.audit.ports import AuditFilters
from cuiot.application.shared.queries import Window
from cuiot.domain.audit import AuditAction, SubjectType
from tests.integration.test_views_explain import Explaining, seeded

ACTORS, ROWS = 30, 60_000
ACTIONS = [a.value for a in AuditAction]
NOW = datetime.now(UTC)


@pytest.fixture
async def big(database_url: str, engine: Any) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the plans are PostgreSQL's")
    actions = "ARRAY[" + ", ".join(f"'{a}'" for a in ACTIONS) + "]"
    kinds = "ARRAY[" + ", ".join(f"'{AuditAction(a).subject_type.value}'" for a in ACTIONS) + "]"
    async with engine.begin() as conn:
        await conn.execute(text(f"""
            INSERT INTO users (id, email, password_hash, first_name, last_name,
                capacity_status, is_active, created_at)
            SELECT {stable_id('actor', 'n')}, 'actor-' || n || '@example.com', 'x', 'Eva',
                   'Paz', 'full', true, now() FROM generate_series(1, {ACTORS}) AS n"""))
        await conn.execute(text(f"""
            INSERT INTO audit_log (at, actor_id, action, subject_type, subject_id, details)
            SELECT now() - (i * interval '130 seconds'), {stable_id('actor', f'i % {ACTORS} + 1')},
                   ({actions})[i % {len(ACTIONS)} + 1], ({kinds})[i % {len(ACTIONS)} + 1],
                   {stable_id('subject', 'i % 20000')}, '{{}}'
            FROM generate_series(1, {ROWS}) AS i"""))
        await conn.execute(text("ANALYZE audit_log"))


FILTERS = {
    "everything": AuditFilters(),
    "one actor": AuditFilters(actor_id=seeded("actor", 7)),
    "one action": AuditFilters(action=AuditAction.INVOICE_PAID),
    "one kind of subject": AuditFilters(subject_type=SubjectType.PACKAGE),
    "one subject": AuditFilters.of_subject(seeded("subject", 42)),
    "a prefix of a subject": AuditFilters(subject_ids=(seeded("subject", 42),
                                                       seeded("subject", 42))),
    "one week": AuditFilters(since=NOW - timedelta(days=14), until=NOW - timedelta(days=7)),
    "one actor's week": AuditFilters(actor_id=seeded("actor", 7),
                                     since=NOW - timedelta(days=14)),
}


@pytest.mark.parametrize("which", list(FILTERS))
async def test_every_filter_reads_the_log_through_an_index(big, engine, which) -> None:
    async with ReadSide(engine).transaction() as conn:
        explaining = Explaining(conn)
        await SqlAuditViews(explaining).page(FILTERS[which], Window(0, 50))  # type: ignore[arg-type]
    [plan] = explaining.plans
    assert "Seq Scan on audit_log" not in plan, plan
    assert re.search(r"Index (Only )?Scan (Backward )?using ix_audit_log_\w+ on audit_log"
                     r"|Bitmap Index Scan on ix_audit_log_\w+", plan), plan
