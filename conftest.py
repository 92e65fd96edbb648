"""Plugins every test directory shares (pytest reads pytest_plugins only here)."""

pytest_plugins = ["tests.support.databases", "tests.faults.report"]
