"""People acting on alerts: acknowledge them (escalation stops), resolve them; and the
dispatcher telling an alert that a notification of it was delivered. (Seeing them is a
query: ``queries/alerts.py``.)

Only users with access to the cared person, or admins, may act on an alert; anyone else
is told it does not exist. Each acknowledgement and resolution is written to the audit
log in the same unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from cuiot.application.shared.access import load_actor, may_access
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain import audit_entries as audit
from cuiot.domain.alerts import Alert
from cuiot.domain.errors import NotFound
from cuiot.domain.users import User


@dataclass(frozen=True, slots=True)
class AlertCommand:
    """Acknowledge or resolve one alert."""

    actor_id: UUID
    alert_id: UUID


@dataclass(frozen=True, slots=True)
class MarkAlertNotificationSentCommand:
    alert_id: UUID


async def accessible_alert(uow: UnitOfWork, actor: User, alert_id: UUID, now: datetime,
                           today: date) -> Alert:
    alert = await uow.alerts.get(alert_id)
    person = await uow.cared_persons.get(alert.cared_person_id) if alert else None
    if alert is None or person is None or not await may_access(uow, actor, person, now, today):
        raise NotFound("alert", alert_id)
    return alert


class _AlertUseCase:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def _alert(self, cmd: AlertCommand) -> tuple[User, Alert]:
        actor = await load_actor(self.uow, cmd.actor_id)
        alert = await accessible_alert(self.uow, actor, cmd.alert_id, self.clock.now(),
                                       self.clock.today())
        return actor, alert


class AcknowledgeAlert(_AlertUseCase):
    """Stops escalation. Acknowledging twice, or a resolved alert, is a ``Conflict``."""

    async def __call__(self, cmd: AlertCommand) -> Alert:
        async with self.uow:
            actor, alert = await self._alert(cmd)
            now = self.clock.now()
            alert.acknowledge(actor.id, now)
            await self.uow.audit.add(audit.alert_acknowledged(alert, actor.id, now))
            await self.uow.commit()
        return alert


class ResolveAlert(_AlertUseCase):
    """Closes the alert (acknowledging it if nobody had). Twice is a ``Conflict``."""

    async def __call__(self, cmd: AlertCommand) -> Alert:
        async with self.uow:
            actor, alert = await self._alert(cmd)
            now, was = self.clock.now(), alert.status
            alert.resolve(actor.id, now)
            await self.uow.audit.add(audit.alert_resolved(alert, actor.id, now, was))
            await self.uow.commit()
        return alert


async def mark_alert_sent(uow: UnitOfWork, alert_id: UUID, at: datetime) -> bool:
    """Inside the dispatcher's open unit of work: a notification of this alert was
    delivered, so a pending alert becomes sent. True when that changed it."""
    alert = await uow.alerts.get(alert_id)
    return alert is not None and alert.mark_sent(at)


class MarkAlertNotificationSent(_AlertUseCase):
    """The same, as a use case of its own (no actor: the dispatcher acts)."""

    async def __call__(self, cmd: MarkAlertNotificationSentCommand) -> bool:
        async with self.uow:
            changed = await mark_alert_sent(self.uow, cmd.alert_id, self.clock.now())
            await self.uow.commit()
        return changed
