"""``python -m bench NAME [flags] [--json]``: one entry point for every benchmark.

Each benchmark is a module of this package with ``add_arguments(parser)`` and
``run(args) -> Report``. It starts and stops what it needs, takes its sizes as flags and
compares against a baseline measured in the same run: the machine is shared and noisy,
so ratios hold where absolute times do not. A run that loses or doubles anything fails
(exit 1) whatever its speed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # ``tests.support`` starts the throwaway servers
    sys.path.insert(0, str(ROOT))

BENCHMARKS = {
    "ingest": "bench.ingest",
    "critical-path": "bench.critical_path",
    "http": "bench.http_reads",
    "escalation": "bench.escalation",
    "growth": "bench.growth",
    "soak": "bench.soak",
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    chooser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                      formatter_class=argparse.RawDescriptionHelpFormatter)
    chooser.add_argument("name", choices=list(BENCHMARKS), metavar="NAME",
                         help=", ".join(BENCHMARKS))
    name = chooser.parse_args(argv[:1]).name
    module = importlib.import_module(BENCHMARKS[name])  # only the one asked for
    parser = argparse.ArgumentParser(prog=f"python -m bench {name}", description=module.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    module.add_arguments(parser)
    args = parser.parse_args(argv[1:])
    report = module.run(args)
    report.print(as_json=args.json)
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
