"""What deactivating a cared person or a user stops at once, for care and identity alike:
the person's open alerts are resolved (no escalation fires for them), and what the
outbox still held for the person or the user, not yet sent, is cancelled (``failed``,
with the reason as its last error). Each alert so closed is written to the audit log
with the reason, in the caller's unit of work."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain import audit_entries as audit
from cuiot.domain.alerts import Alert
from cuiot.domain.care import CaredPerson

PERSON_DEACTIVATED = "cared_person_deactivated"
USER_DEACTIVATED = "user_deactivated"


async def close_alerts_of(uow: UnitOfWork, person: CaredPerson, by: UUID,
                          now: datetime) -> list[Alert]:
    """Resolve every alert of ``person`` not yet resolved, as ``by``."""
    closed = await uow.records.open_alerts_of(person.id)
    for alert in closed:
        was = alert.status
        alert.resolve(by, now)
        await uow.audit.add(audit.alert_resolved(alert, by, now, was, PERSON_DEACTIVATED))
    return closed


async def cancel_queued(uow: UnitOfWork, reason: str, *, cared_person_id: UUID | None = None,
                        user_id: UUID | None = None) -> int:
    """Cancel the pending outbox rows of the person's alerts, or to the user; how many."""
    queued = await uow.records.queued_notifications(cared_person_id=cared_person_id,
                                                    user_id=user_id)
    for notification in queued:
        notification.cancel(reason)
    return len(queued)
