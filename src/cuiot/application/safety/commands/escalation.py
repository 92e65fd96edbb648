"""Recording events, raising alerts and escalating them, with their outbox rows written
in the same unit of work as the change.

``Alerting`` is the safety path shared by ingestion and the periodic checks: it stores an
event and, for medium and above, opens or joins the alert and notifies level 1 at once.
Nothing here looks at package limits or subscriptions: the safety path is never gated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cuiot.application.safety.commands.recipients import (
    Directory,
    admins,
    recipients_for,
    write_notifications,
)
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.alerts import Alert, AlertStatus
from cuiot.domain.care import CaredPerson
from cuiot.domain.devices import Device
from cuiot.domain.policy import Policy
from cuiot.domain.sensor_events import Classification, SensorEvent


@dataclass(frozen=True)
class Alerting:
    """The safety path inside a caller's open unit of work, at one instant."""

    uow: UnitOfWork
    ids: IdGenerator
    policy: Policy
    now: datetime
    today: date

    async def record(self, device: Device, person: CaredPerson | None, found: Classification,
                     *, data: dict[str, Any], timestamp: datetime,
                     msg_id: str | None = None) -> SensorEvent | None:
        """Store the event; medium and above open or join an alert. Nothing at all for a
        deactivated person (None): monitoring them has stopped."""
        if person is not None and not person.is_active:
            return None
        event = SensorEvent.new(
            id=self.ids.new_id(), device_pk=device.id, cared_person_id=device.cared_person_id,
            classification=found, timestamp=timestamp, received_at=self.now, sensor_data=data,
            msg_id=msg_id)
        await self.uow.events.add(event)
        if event.opens_alert:
            alert = await self.raise_alert(event, person)
            event.attach_to(alert.id)
        return event

    async def raise_alert(self, event: SensorEvent, person: CaredPerson | None) -> Alert:
        """Join the open alert of the same person, device and type, or open one; a new
        (or restarted) alert notifies level 1 at once."""
        alert = await self.uow.alerts.get_open(event.cared_person_id, event.device_pk,
                                               event.event_type.value)
        if alert is not None:
            if alert.join(event.severity, self.now, self.policy) is not None:
                await self.notify(alert, person, "reopened")
            return alert
        alert = Alert.open(id=self.ids.new_id(), cared_person_id=event.cared_person_id,
                           device_pk=event.device_pk, alert_type=event.event_type.value,
                           severity=event.severity, at=self.now, policy=self.policy)
        await self.uow.alerts.add(alert)
        await self.notify(alert, person, "opened")
        return alert

    async def notify(self, alert: Alert, person: CaredPerson | None, reason: str) -> None:
        """Tell the alert's current level (with the fallbacks of ``recipients``)."""
        found = await recipients_for(self.uow, person, alert.escalation_level, self.now,
                                     self.today)
        await write_notifications(self.uow, self.ids, alert, person, found, reason=reason,
                                  now=self.now)

    async def notify_admins(self, alert: Alert, person: CaredPerson | None,
                            directory: Directory | None = None) -> None:
        found = directory.admins if directory is not None else await admins(self.uow, self.now)
        await write_notifications(self.uow, self.ids, alert, person, found, reason="unhandled",
                                  now=self.now)


class SafetyUseCase:
    """Base of the device-facing use cases and jobs: no actor, the safety path's ports."""

    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator, policy: Policy) -> None:
        self.uow, self.clock, self.ids, self.policy = uow, clock, ids, policy

    def _alerting(self) -> Alerting:
        return Alerting(self.uow, self.ids, self.policy, self.clock.now(), self.clock.today())


@dataclass(frozen=True, slots=True)
class EscalateDueAlertsCommand:
    limit: int = 500


class EscalateDueAlerts(SafetyUseCase):
    """The scheduler's job: every alert whose timeout ran out moves one rung up and its
    new level is notified; at the end of the ladder it becomes unhandled and the admins
    are told. Returns how many alerts moved (escalated, repeated or unhandled).

    A page of due alerts is one unit of work: their cared persons and everyone their
    ladders name are loaded once for the page (``Directory``), not once per alert."""

    async def __call__(self, cmd: EscalateDueAlertsCommand | None = None) -> int:
        cmd = cmd or EscalateDueAlertsCommand()
        async with self.uow:
            alerting = self._alerting()
            due = await self.uow.alerts.list_due_for_escalation(alerting.now, cmd.limit)
            persons = await self.uow.cared_persons.get_many({a.cared_person_id for a in due})
            directory = await Directory.load(self.uow, persons.values(), alerting.today,
                                             alerting.now)
            moved = [await self._escalate(alert, persons.get(alert.cared_person_id), directory,
                                          alerting) for alert in due]
            await self.uow.commit()
        return sum(moved)

    async def _escalate(self, alert: Alert, person: CaredPerson | None, directory: Directory,
                        alerting: Alerting) -> bool:
        level = alert.escalate(alerting.now, self.policy)
        if level is not None:
            reason = "repeated" if alert.repeats_at_max_level else "escalated"
            found = await recipients_for(self.uow, person, level, alerting.now, alerting.today,
                                         directory)
            await write_notifications(self.uow, self.ids, alert, person, found, reason=reason,
                                      now=alerting.now)
            return True
        if alert.status is AlertStatus.UNHANDLED:
            await alerting.notify_admins(alert, person, directory)
            return True
        return False
