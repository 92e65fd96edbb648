"""What the audit log needs from outside: a log the unit of work writes entries to, in the
transaction of the change each records, and a view that reads a page of them with the
names of the people and things they speak of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from cuiot.application.shared.queries import Window
from cuiot.domain.audit import AuditAction, AuditEntry, SubjectType
from cuiot.domain.errors import ValidationFailed


class AuditLog(Protocol):
    async def add(self, entry: AuditEntry) -> None:
        """Record ``entry`` in the unit of work's transaction: committed with the change it
        records, or rolled back with it."""
        ...


# -- the read side --

@dataclass(frozen=True, slots=True)
class AuditFilters:
    """Which entries to read; every filter left out matches all. ``subject_ids`` is a range
    of ids, both ends included: one id as ``(id, id)``, or the ids a prefix covers. The
    time range is ``since`` included to ``until`` excluded."""

    actor_id: UUID | None = None
    action: AuditAction | None = None
    subject_type: SubjectType | None = None
    subject_ids: tuple[UUID, UUID] | None = None
    since: datetime | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        for name, moment in (("since", self.since), ("until", self.until)):
            if moment is not None and moment.utcoffset() is None:
                raise ValidationFailed(f"{name} needs a time zone", field=name)
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise ValidationFailed("since must come before until", field="until")
        if (self.action is not None and self.subject_type is not None
                and self.action.subject_type is not self.subject_type):
            raise ValidationFailed(f"{self.action.value} is done to a "
                                   f"{self.action.subject_type.value}, not a "
                                   f"{self.subject_type.value}", field="subject_type")

    @classmethod
    def of_subject(cls, subject_id: UUID | None, **filters: Any) -> AuditFilters:
        """The filters with one subject id (or none)."""
        ids = None if subject_id is None else (subject_id, subject_id)
        return cls(subject_ids=ids, **filters)


@dataclass(frozen=True, slots=True)
class AuditEntryView:
    """An entry as an admin reads it: the actor's name and email (None when no account
    acted), and the subject's label where the database has one (a person's name, an
    invoice's number, a package's name; None once the subject is gone)."""

    id: int
    at: datetime
    action: AuditAction
    actor_id: UUID | None
    actor_name: str | None
    actor_email: str | None
    subject_type: SubjectType
    subject_id: UUID
    subject_label: str | None
    details: dict[str, Any]


class AuditViews(Protocol):
    async def page(self, filters: AuditFilters, window: Window) -> list[AuditEntryView]:
        """Newest first (then the latest written first): ``window.limit + 1`` entries at
        most, in one SQL statement."""
        ...
