"""The http and escalation benchmarks run end to end at a tiny size and lose nothing.

Each starts real ``cuiot`` processes on a fresh PostgreSQL database of its own. Only
that they work is checked — the report is ok, every read answered 2xx, every alert
escalated exactly once — never how fast: the machine is shared.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import tempfile
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

from bench import escalation, http_reads
from bench._load import run_load
from bench._reads_support import execute, seed_people_sql
from bench.common import migrated_database
from bench.report import Report


def run_benchmark(module: ModuleType, *argv: str) -> Report:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return module.run(parser.parse_args(list(argv)))


def test_http_reads_answer_every_request() -> None:
    report = run_benchmark(http_reads, "--events", "200", "--alerts", "50", "--persons", "10",
                           "--duration", "1", "--connections", "4", "--logins-per-second", "2")

    assert report.ok, report.problems
    assert [(row["request"], row["phase"]) for row in report.rows] == [
        ("/health", "alone"), ("/api/v1/alerts", "alone"), ("/api/v1/events", "alone"),
        ("/api/v1/alerts", "with logins"), ("/api/v1/events", "with logins"),
        ("floor /health", "alone"), ("floor /api/v1/alerts", "alone")]
    assert all(row["requests"] > 0 and row["p99 ms"] for row in report.rows)
    assert report.figures["logins_per_second_achieved"] > 0
    assert report.figures["floor_alerts_ratio_to_its_health"] > 0


def test_httpx_fallback_counts_answers_and_failures() -> None:
    """The generator used where wrk is missing, against a server that answers 200 on /
    and 404 elsewhere."""
    with _static_server() as base:
        ok = run_load(None, f"{base}/", {}, connections=2, seconds=0.5)
        missing = run_load(None, f"{base}/missing", {}, connections=2, seconds=0.5)

    assert ok.requests > 0 and ok.failed == 0 and ok.p99_ms is not None
    assert missing.requests > 0 and missing.failed == missing.requests


@contextlib.contextmanager
def _static_server() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as root:
        Path(root, "index.html").write_text("ok")
        handler = functools.partial(SimpleHTTPRequestHandler, directory=root)
        handler.log_message = lambda *_: None  # type: ignore[attr-defined]
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()


def test_escalation_escalates_every_alert_once() -> None:
    report = run_benchmark(escalation, "--alerts", "50", "--persons", "20", "--workers", "2")

    assert report.ok, report.problems
    assert [row["workers"] for row in report.rows] == [0, 1, 2]
    assert all(row["seconds"] for row in report.rows)


def test_escalation_check_finds_missed_and_doubled_notifications() -> None:
    with migrated_database("postgres") as url:
        execute(url, *seed_people_sql(2, members_per_person=1),
                escalation._insert_due_alerts_sql(2, 2))
        assert escalation._check_outbox(url, 2) == [
            "2 alerts not at level 2 (missed or escalated twice)",
            "2 alerts without their level-2 notifications",
            "0 notifications, expected 8",
        ]
        execute(url, "UPDATE alerts SET escalation_level = 2", _notify_sql("alerts"),
                _notify_sql("(SELECT * FROM alerts LIMIT 1) AS one", "('email', 'u1')"))
        assert escalation._check_outbox(url, 2) == [
            "1 alerts without their level-2 notifications",
            "1 notifications written twice (same alert, level, channel, address)",
            "9 notifications, expected 8",
        ]


def _notify_sql(alerts: str, addresses: str = "('email', 'u1'), ('push', 'u1'), "
                                               "('email', 'u2'), ('push', 'u2')") -> str:
    """Level-2 outbox rows for each of ``alerts``, one per (channel, address)."""
    return f"""INSERT INTO notifications (id, channel, address, subject, body, created_at,
                   kind, alert_id, escalation_level, payload, status, attempts)
               SELECT gen_random_uuid(), channel, address, 's', 'b', now(), 'alert', id, 2,
                      '{{}}', 'pending', 0
               FROM {alerts}, (VALUES {addresses}) AS rows (channel, address)"""
