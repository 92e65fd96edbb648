"""A dict-backed repository that the per-area in-memory repositories build on."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from cuiot.domain.errors import Conflict

T = TypeVar("T")


class InMemoryRepository(Generic[T]):
    entity = "entity"

    def __init__(self) -> None:
        self.items: dict[Any, T] = {}
        self.seen: list[T] = []

    def key(self, item: T) -> Any:
        return item.id  # type: ignore[attr-defined]

    def _see(self, item: T | None) -> T | None:
        if item is not None and not any(s is item for s in self.seen):
            self.seen.append(item)
        return item

    def _where(self, predicate: Callable[[T], bool]) -> list[T]:
        return [self._see(item) for item in self.items.values() if predicate(item)]  # type: ignore[misc]

    def _first(self, predicate: Callable[[T], bool]) -> T | None:
        return next(iter(self._where(predicate)), None)

    async def get(self, key: Any) -> T | None:
        return self._see(self.items.get(key))

    async def get_many(self, keys: Iterable[Any]) -> dict[Any, T]:
        return {key: self._see(self.items[key]) for key in keys if key in self.items}  # type: ignore[misc]

    async def add(self, item: T) -> None:
        key = self.key(item)
        if key in self.items:
            raise Conflict(f"{self.entity} {key} already exists")
        self.items[key] = item
        self._see(item)

    def all(self) -> Iterable[T]:
        return self.items.values()
