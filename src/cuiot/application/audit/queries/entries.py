"""The audit log as admins read it: newest first, filtered by who acted, what they did, to
what, and when; one SQL statement per page."""

from __future__ import annotations

from dataclasses import dataclass, field

from cuiot.application.audit.ports import AuditEntryView, AuditFilters, AuditViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import Forbidden


@dataclass(frozen=True, slots=True)
class ListAuditEntriesQuery:
    viewer: Viewer
    filters: AuditFilters = field(default_factory=AuditFilters)
    window: Window = field(default_factory=Window)


class ListAuditEntries:
    """Admins only (``limit + 1`` read, see ``Window``)."""

    def __init__(self, entries: AuditViews, clock: Clock) -> None:
        self.entries, self.clock = entries, clock

    async def __call__(self, query: ListAuditEntriesQuery) -> list[AuditEntryView]:
        if not query.viewer.is_admin:
            raise Forbidden("only an admin may read the audit log")
        return await self.entries.page(query.filters, query.window)
