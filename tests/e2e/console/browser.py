"""Debian's Chromium for the console's browser tests, installed when missing.

Playwright drives it (``executable_path``); Playwright's own browsers are never
downloaded. The flags keep it headless and off the network beyond the test's server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.support.servers import _apt_install

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def ensure_chromium() -> Path:
    """``/usr/bin/chromium``, installed with apt-get when it is not there; a clear failure
    (never a skip) when it cannot be."""
    if not _runs(CHROMIUM):
        try:
            _apt_install("chromium")
        except Exception as error:  # apt-get missing, not root, no network: all the same here
            raise RuntimeError(
                f"the console's browser tests need Debian's chromium at {CHROMIUM}, and "
                f"installing it failed ({error}); install it with "
                "`apt-get install chromium` and run them again") from error
    if not _runs(CHROMIUM):
        raise RuntimeError(f"{CHROMIUM} is still missing after apt-get install chromium")
    return CHROMIUM


def _runs(path: Path) -> bool:
    return path.exists() and os.access(path, os.X_OK) and shutil.which(str(path)) is not None
