"""pytest-bdd has no async steps: every step drives the async use cases through ``run``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest

T = TypeVar("T")


@pytest.fixture
def run() -> Iterator[Callable[[Awaitable[T]], T]]:
    loop = asyncio.new_event_loop()
    yield loop.run_until_complete
    loop.close()


@pytest.fixture
def world() -> dict[str, Any]:
    """What a scenario's steps share: named users, persons, results and the last error."""
    return {}
