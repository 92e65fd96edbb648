from __future__ import annotations

from cuiot.adapters.memory.base import InMemoryRepository


class InMemoryReviewRepository(InMemoryRepository):
    entity = "review"


class InMemoryScoreRepository(InMemoryRepository):
    entity = "score"
