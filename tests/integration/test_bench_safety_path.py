"""The safety-path benchmarks run end to end at a tiny size and lose nothing.

Each starts a real ``cuiot worker``, a throwaway Mosquitto and fresh databases of its own.
Only that they work is checked — the report is ok and every message is counted once —
never how fast: the machine is shared and speed is the benchmarks' own business.
"""

from __future__ import annotations

import argparse
from types import ModuleType

import pytest

from bench import critical_path, growth, ingest
from bench.report import Report


def run_benchmark(module: ModuleType, *argv: str) -> tuple[Report, argparse.Namespace]:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    args = parser.parse_args(list(argv))
    return module.run(args), args


@pytest.mark.parametrize("database", ["postgres", "sqlite"])
def test_ingest_stores_every_message_once(database: str) -> None:
    report, args = run_benchmark(ingest, "--messages", "200", "--devices", "10", "--persons", "2",
                                 "--live-seconds", "1", "--live-rate", "50",
                                 "--database", database)

    assert report.ok, report.problems
    live = 50  # 50 a second for 1 second
    assert report.figures["counts"]["events"] == args.messages + live
    assert report.figures["counts"]["device_messages"] == args.messages + live
    assert report.figures["counts"]["rejected_messages"] == 0
    assert report.figures["raw_rate"] > 0 and report.figures["worker_rate"] > 0


def test_critical_path_alerts_and_delivers_every_critical_reading() -> None:
    report, args = run_benchmark(critical_path, "--seconds", "2", "--rate", "50", "--burst", "100",
                                 "--devices", "10", "--baseline-readings", "2")

    assert report.ok, report.problems
    criticals = args.baseline_readings + args.seconds + 1
    assert report.figures["counts"]["alerts"] == criticals
    assert [row["readings"] for row in report.rows] == [2, 2, 1]
    assert all(row["webhook p50 ms"] is not None for row in report.rows)


def test_growth_prefills_and_measures_a_size() -> None:
    # One size, its own baseline: a second would only double the time.
    report, _ = run_benchmark(growth, "--sizes", "1000", "--messages", "100", "--reads", "5",
                              "--devices", "10", "--persons", "2")

    assert report.ok, report.problems
    assert [row["events before"] for row in report.rows] == [1000]
    assert all(row["drain msg/s"] > 0 and row["read p99 ms"] > 0 for row in report.rows)
