"""``python -m cuiot.entrypoints.cli``: the same as the ``cuiot`` command."""

from cuiot.entrypoints.cli import main

main()
