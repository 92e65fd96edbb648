"""The fault suite's table, a plugin (the root conftest.py loads it, so the xdist
controller, which collects nothing, prints it too): each test appends its row to a file
named in the environment (set here before the xdist workers start, so they all write to
the same one), and the run prints the rows at its end."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from tests.faults.stream import REPORT_ENV

COLUMNS = ("fault", "messages", "alerts", "notifications", "delivered", "failed", "problems",
           "seconds")


def pytest_configure(config: pytest.Config) -> None:
    if REPORT_ENV not in os.environ:  # the controller (or a run without xdist)
        handle, path = tempfile.mkstemp(prefix="cuiot-faults-", suffix=".jsonl")
        os.close(handle)
        os.environ[REPORT_ENV] = path


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    path = Path(os.environ.get(REPORT_ENV, ""))
    rows = [json.loads(line) for line in path.read_text().splitlines()] if path.is_file() else []
    if not rows:
        return
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in COLUMNS}
    terminalreporter.section("faults survived")
    terminalreporter.line("  ".join(c.ljust(widths[c]) for c in COLUMNS))
    for row in sorted(rows, key=lambda r: r["fault"]):
        terminalreporter.line("  ".join(str(row[c]).ljust(widths[c]) for c in COLUMNS))
    path.unlink()
