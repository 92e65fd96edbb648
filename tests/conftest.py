"""Fixtures every test layer shares: a fixed clock, ids, a fresh in-memory store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cuiot.domain.policy import DEFAULT_POLICY, Policy
from tests.fakes.system import (
    FixedClock,
    PlainPasswordHasher,
    RecordingEventPublisher,
    SeededRandomSource,
    SequentialIdGenerator,
)
from tests.fakes.uow import InMemoryStore, InMemoryUnitOfWork


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/integration/" in str(item.fspath) or "/tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


NOON_2026_01_15 = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)  # 12:00 in Buenos Aires


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOON_2026_01_15)


@pytest.fixture
def ids() -> SequentialIdGenerator:
    return SequentialIdGenerator()


@pytest.fixture
def rng() -> SeededRandomSource:
    return SeededRandomSource(42)


@pytest.fixture
def hasher() -> PlainPasswordHasher:
    return PlainPasswordHasher()


@pytest.fixture
def policy() -> Policy:
    return DEFAULT_POLICY


@pytest.fixture
def publisher() -> RecordingEventPublisher:
    return RecordingEventPublisher()


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def uow(store: InMemoryStore, publisher: RecordingEventPublisher) -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(store, publisher)
