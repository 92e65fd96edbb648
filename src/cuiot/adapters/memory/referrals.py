from __future__ import annotations

from cuiot.adapters.memory.base import InMemoryRepository


class InMemoryReferralRepository(InMemoryRepository):
    entity = "referral"


class InMemoryCommissionRepository(InMemoryRepository):
    entity = "commission"
