"""The soak benchmark runs end to end at a tiny size: the worker and the API under load,
every reading stored once, every read answered, both processes' memory sampled. Only
that it works is checked, never how fast or how much memory."""

from __future__ import annotations

from bench import soak
from tests.integration.test_bench_safety_path import run_benchmark


def test_soak_runs_the_worker_and_the_api_and_loses_nothing() -> None:
    report, _ = run_benchmark(soak, "--minutes", "0.2", "--drain-messages", "200",
                              "--devices", "10", "--persons", "2", "--read-rate", "5",
                              "--rate", "40")

    assert report.ok, report.problems
    assert report.figures["messages"] > 0 and report.figures["reads"] > 0
    assert [row["process"] for row in report.rows] == ["cuiot worker", "cuiot serve"]
    assert all(row["rss at end MB"] > 0 and row["log errors"] == 0 for row in report.rows)
