"""Escalation: how fast ``cuiot worker`` processes escalate a burst of due alerts.

    python -m bench escalation [--alerts 10000] [--workers 2] [--persons 5000]

A fresh PostgreSQL database with ``--persons`` cared persons (each with an account holder,
who is also their representative on level 1, and a member, each with a phone registered
for push, so level 2 names two users: an email and a push each). The workers are
started first (``--no-mqtt``, scheduler ticking every 0.1 s, dispatcher paused so only
escalation runs); then ``--alerts`` open level-1 alerts, all past their deadline, are
committed at once and the clock runs until none is due. The workers are stopped and the
outbox checked: every alert is at level 2 with exactly its four level-2 notifications —
none missed, none doubled. Baselines in the same run: the same with one worker, and one
raw SQL UPDATE moving the same alerts up a level (no notifications: the floor).
The issue's target: 10,000 alerts in under 10 s with two workers.
"""

from __future__ import annotations

import argparse
import time

from bench._reads_support import (
    cuiot_env,
    cuiot_processes,
    execute,
    fetch_value,
    seed_people_sql,
    stable_id,
)
from bench.common import migrated_database, sigterm_as_interrupt
from bench.report import Report

USERS_AT_LEVEL_2 = 2  # the account holder and one member
NOTIFICATIONS_PER_ALERT = 2 * USERS_AT_LEVEL_2  # an email and a push each
TARGET_SECONDS, TARGET_ALERTS, TARGET_WORKERS = 10.0, 10_000, 2
DUE = ("status IN ('pending', 'sent') AND next_escalation_at <= now()")
PHONES = """INSERT INTO push_tokens (id, user_id, token, created_at)
            SELECT gen_random_uuid(), id, 'bench-phone-' || id, now() FROM users"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--alerts", type=int, default=10_000, help="due alerts per run")
    parser.add_argument("--workers", type=int, default=2, help="cuiot worker processes")
    parser.add_argument("--persons", type=int, default=5_000,
                        help="cared persons the alerts are spread over")
    parser.add_argument("--database", choices=["postgres"], default="postgres",
                        help="only PostgreSQL: SQLite lets one writer in at a time")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds a run may take before it counts as a problem")


def run(args: argparse.Namespace) -> Report:
    sigterm_as_interrupt()
    persons = max(1, min(args.persons, args.alerts))
    report = Report("escalation", {"alerts": args.alerts, "workers": args.workers,
                                   "persons": persons, "database": args.database})
    with migrated_database("postgres") as url:
        execute(url, *seed_people_sql(persons, members_per_person=1, represented=True),
                PHONES)
        raw = _raw_update(url, args.alerts, persons)
        report.rows.append(_row("raw SQL UPDATE (floor)", 0, args.alerts, raw))
        for workers in sorted({1, args.workers}):
            seconds = _through_workers(url, args.alerts, persons, workers, args.timeout, report)
            report.rows.append(_row(f"cuiot worker x{workers}", workers, args.alerts, seconds))
    _add_figures(report, args, raw)
    return report


def _row(name: str, workers: int, alerts: int, seconds: float | None) -> dict[str, object]:
    return {"run": name, "workers": workers, "alerts": alerts, "seconds": seconds,
            "alerts/s": alerts / seconds if seconds else None}


def _add_figures(report: Report, args: argparse.Namespace, raw: float) -> None:
    timed = {row["workers"]: row["seconds"] for row in report.rows if row["seconds"]}
    if args.workers not in timed:
        return
    seconds = timed[args.workers]
    report.figures.update({
        "seconds_for_all": seconds,
        "alerts_per_second": args.alerts / seconds,
        "ratio_to_one_worker": timed[1] / seconds if 1 in timed else None,
        "times_raw_sql": seconds / raw,
    })
    if (args.alerts, args.workers) == (TARGET_ALERTS, TARGET_WORKERS):
        report.figures["target_under_10_s"] = seconds < TARGET_SECONDS


def _insert_due_alerts_sql(alerts: int, persons: int) -> str:
    """``alerts`` open level-1 alerts, round robin over the persons, due a minute ago."""
    person_n = f"(i - 1) % {persons} + 1"
    return f"""
        INSERT INTO alerts (id, created_at, cared_person_id, device_pk, alert_type, severity,
            status, escalation_level, repeats_at_max_level, occurrences, next_escalation_at,
            last_event_at)
        SELECT gen_random_uuid(), now() - interval '10 minutes',
               {stable_id('person', person_n)}, {stable_id('device', person_n)},
               'panic_pressed', 'high', 'pending', 1, 0, 1, now() - interval '1 minute',
               now() - interval '10 minutes'
        FROM generate_series(1, {alerts}) AS i"""


def _clear(url: str) -> None:
    execute(url, "DELETE FROM notifications", "DELETE FROM alerts")


def _raw_update(url: str, alerts: int, persons: int) -> float:
    """Seconds for one UPDATE to move the same due alerts up a level."""
    execute(url, _insert_due_alerts_sql(alerts, persons))
    started = time.perf_counter()
    execute(url, f"""UPDATE alerts SET escalation_level = escalation_level + 1,
                         next_escalation_at = now() + interval '5 minutes' WHERE {DUE}""")
    seconds = time.perf_counter() - started
    _clear(url)
    return seconds


def _through_workers(url: str, alerts: int, persons: int, workers: int, timeout: float,
                     report: Report) -> float | None:
    """Seconds from the alerts' commit until none is due, with ``workers`` running; the
    outbox is checked after they stop. None (and a problem) past ``timeout``."""
    env = cuiot_env(url, scheduler_tick_seconds="0.1", dispatch_tick_seconds="86400")
    with cuiot_processes(workers, ["worker", "--no-mqtt"], env) as processes:
        for process in processes:
            process.wait_for_output("scheduler started")
        execute(url, _insert_due_alerts_sql(alerts, persons))
        seconds = _until_none_due(url, timeout)
    if seconds is None:
        report.problems.append(f"{workers} worker(s): alerts still due after {timeout:.0f} s")
    report.problems.extend(f"{workers} worker(s): {p}" for p in _check_outbox(url, alerts))
    _clear(url)
    return seconds


def _until_none_due(url: str, timeout: float) -> float | None:
    started = time.perf_counter()
    while fetch_value(url, f"SELECT count(*) FROM alerts WHERE {DUE}"):
        if time.perf_counter() - started > timeout:
            return None
        time.sleep(0.02)
    return time.perf_counter() - started


# The bench's own alerts: the workers' coverage job also opens coverage_lapsed alerts
# for its persons (they have no level-1 responder), which are not what is measured.
OURS = "alert_type = 'panic_pressed'"


def _check_outbox(url: str, alerts: int) -> list[str]:
    """What is wrong with the escalated alerts and their notifications, if anything."""
    ours = f"SELECT n.* FROM notifications n JOIN alerts a ON a.id = n.alert_id WHERE a.{OURS}"
    checks = {
        "alerts not at level 2 (missed or escalated twice)":
            f"SELECT count(*) FROM alerts WHERE {OURS} AND escalation_level <> 2",
        "alerts without their level-2 notifications":
            f"""SELECT count(*) FROM alerts a WHERE a.{OURS} AND (SELECT count(*)
                FROM notifications n WHERE n.alert_id = a.id AND n.escalation_level = 2)
                <> {NOTIFICATIONS_PER_ALERT}""",
        "notifications written twice (same alert, level, channel, address)":
            f"""SELECT count(*) FROM (SELECT 1 FROM ({ours}) AS n
                GROUP BY alert_id, escalation_level, channel, address
                HAVING count(*) > 1) AS doubled""",
    }
    problems = [f"{fetch_value(url, query)} {what}" for what, query in checks.items()
                if fetch_value(url, query)]
    total = fetch_value(url, f"SELECT count(*) FROM ({ours}) AS n")
    if total != alerts * NOTIFICATIONS_PER_ALERT:
        problems.append(f"{total} notifications, expected {alerts * NOTIFICATIONS_PER_ALERT}")
    return problems
