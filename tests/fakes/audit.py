"""The audit log in memory: entries numbered as written (a rolled-back unit of work
takes its entries with it, as the store restores its snapshot), and the admin's view of
them with the actors' names from the store's users."""

from __future__ import annotations

from itertools import count

from cuiot.application.audit.ports import AuditEntryView, AuditFilters
from cuiot.application.shared.queries import Window
from cuiot.domain.audit import AuditAction, AuditEntry
from tests.fakes.base import InMemoryRepository
from tests.fakes.users import InMemoryUserRepository


class InMemoryAuditLog(InMemoryRepository[AuditEntry]):
    entity = "audit entry"

    def __init__(self) -> None:
        super().__init__()
        self._numbers = count(1)

    async def add(self, entry: AuditEntry) -> None:
        self.items[next(self._numbers)] = entry

    def entries(self, action: AuditAction | None = None) -> list[AuditEntry]:
        """What was recorded, oldest first (of one action, if given)."""
        return [e for e in self.items.values() if action in (None, e.action)]


def _matches(entry: AuditEntry, f: AuditFilters) -> bool:
    low, high = f.subject_ids or (entry.subject_id, entry.subject_id)
    return (f.actor_id in (None, entry.actor_id) and f.action in (None, entry.action)
            and f.subject_type in (None, entry.subject_type)
            and low <= entry.subject_id <= high
            and (f.since is None or entry.at >= f.since)
            and (f.until is None or entry.at < f.until))


class InMemoryAuditViews:
    def __init__(self, log: InMemoryAuditLog, users: InMemoryUserRepository) -> None:
        self.log, self.users = log, users

    async def page(self, filters: AuditFilters, window: Window) -> list[AuditEntryView]:
        chosen = sorted(((n, e) for n, e in self.log.items.items() if _matches(e, filters)),
                        key=lambda pair: (pair[1].at, pair[0]), reverse=True)
        return [self._view(n, e)
                for n, e in chosen[window.offset:window.offset + window.limit + 1]]

    def _view(self, number: int, entry: AuditEntry) -> AuditEntryView:
        actor = self.users.items.get(entry.actor_id) if entry.actor_id else None
        return AuditEntryView(
            id=number, at=entry.at, action=entry.action, actor_id=entry.actor_id,
            actor_name=actor.full_name if actor else None,
            actor_email=actor.email.value if actor else None,
            subject_type=entry.subject_type, subject_id=entry.subject_id,
            subject_label=None, details=dict(entry.details))
