"""The live alert stream's rules: what a change looks like and who may see it.

- ``ReadAlertChanges``: after a commit, the changed alerts as they now stand in the
  database, in the shape of the HTTP API's alerts (CONTRACTS.md), one message per alert.
- ``AlertsVisibleTo``: the cared persons whose alerts a user may see (admins: all).
- ``LiveAlertFilter``: one connection's gate. It knows the user's audience and checks a
  cared person it has not heard of (access given since) with ``may_access``; answers are
  kept for ``recheck_after``, then the audience is loaded again (access taken away).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from cuiot.application.shared.access import accessible_cared_persons, load_actor, may_access
from cuiot.application.shared.ports import Clock
from cuiot.application.safety.ports import AlertChange
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.alerts import (
    Alert,
    AlertAcknowledged,
    AlertChanged,
    AlertEscalated,
    AlertJoined,
    AlertOpened,
    AlertResolved,
    AlertSent,
    AlertUnhandled,
)
from cuiot.domain.events import DomainEvent

CHANGE_NAMES: dict[type[AlertChanged], str] = {
    AlertOpened: "opened", AlertJoined: "joined", AlertSent: "sent",
    AlertEscalated: "escalated", AlertAcknowledged: "acknowledged",
    AlertResolved: "resolved", AlertUnhandled: "unhandled",
}


def change_name(event: DomainEvent) -> str | None:
    """``opened``, ``escalated``…; None for an event that is no alert change."""
    return CHANGE_NAMES.get(type(event))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def alert_json(alert: Alert, device_id: str | None) -> dict:
    """The alert as the HTTP API shows it, in JSON values."""
    return {
        "id": str(alert.id), "alert_type": alert.alert_type, "severity": alert.severity.value,
        "status": alert.status.value, "escalation_level": alert.escalation_level,
        "occurrences": alert.occurrences, "cared_person_id": str(alert.cared_person_id),
        "device_id": device_id, "device_pk": str(alert.device_pk),
        "created_at": _iso(alert.created_at), "last_event_at": _iso(alert.last_event_at),
        "acknowledged_at": _iso(alert.acknowledged_at),
        "acknowledged_by": str(alert.acknowledged_by) if alert.acknowledged_by else None,
        "resolved_at": _iso(alert.resolved_at),
        "resolved_by": str(alert.resolved_by) if alert.resolved_by else None,
    }


@dataclass(frozen=True, slots=True)
class ReadAlertChangesCommand:
    changes: tuple[tuple[UUID, str], ...]  # (alert id, change name), oldest first


class ReadAlertChanges:
    """One message per alert, its newest state; ``opened`` wins over later changes of
    the same batch so a client always learns an alert is new."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def __call__(self, cmd: ReadAlertChangesCommand) -> list[AlertChange]:
        names: dict[UUID, str] = {}
        for alert_id, name in cmd.changes:
            names[alert_id] = "opened" if names.get(alert_id) == "opened" else name
        found: list[AlertChange] = []
        async with self.uow:
            for alert_id, name in names.items():
                alert = await self.uow.alerts.get(alert_id)
                if alert is not None:
                    device = await self.uow.devices.get(alert.device_pk)
                    found.append({"change": name, "alert": alert_json(
                        alert, device.device_id if device else None)})
        return found


@dataclass(frozen=True, slots=True)
class AlertsVisibleToCommand:
    actor_id: UUID


@dataclass(frozen=True, slots=True)
class Audience:
    everyone: bool  # an admin
    cared_person_ids: frozenset[UUID] = frozenset()

    def sees(self, cared_person_id: UUID) -> bool:
        return self.everyone or cared_person_id in self.cared_person_ids


class AlertsVisibleTo:
    """``Unauthenticated`` if the user is gone or inactive."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: AlertsVisibleToCommand) -> Audience:
        now, today = self.clock.now(), self.clock.today()
        async with self.uow:
            user = await load_actor(self.uow, cmd.actor_id)
            if user.is_admin(now):
                return Audience(everyone=True)
            persons = await accessible_cared_persons(self.uow, user, now, today)
        return Audience(everyone=False, cared_person_ids=frozenset(p.id for p in persons))


@dataclass
class LiveAlertFilter:
    user_id: UUID
    uow: UnitOfWork
    clock: Clock
    recheck_after: timedelta = timedelta(seconds=30)
    _audience: Audience | None = field(default=None, init=False)
    _loaded_at: datetime | None = field(default=None, init=False)
    _denied: set[UUID] = field(default_factory=set, init=False)

    async def may_see(self, change: AlertChange) -> bool:
        """Whether this connection's user may see the change's alert."""
        cared_person_id = UUID(change["alert"]["cared_person_id"])
        audience = await self.audience()
        if audience.sees(cared_person_id):
            return True
        if cared_person_id in self._denied:
            return False
        if await self._may_access(cared_person_id):
            self._audience = Audience(False, audience.cared_person_ids | {cared_person_id})
            return True
        self._denied.add(cared_person_id)
        return False

    async def audience(self) -> Audience:
        """The user's audience, loaded again once ``recheck_after`` has passed."""
        now = self.clock.now()
        if self._audience is None or self._loaded_at is None or (
                now - self._loaded_at >= self.recheck_after):
            self._audience = await AlertsVisibleTo(self.uow, self.clock)(
                AlertsVisibleToCommand(self.user_id))
            self._loaded_at, self._denied = now, set()
        return self._audience

    async def _may_access(self, cared_person_id: UUID) -> bool:
        now, today = self.clock.now(), self.clock.today()
        async with self.uow:
            user = await load_actor(self.uow, self.user_id)
            person = await self.uow.cared_persons.get(cared_person_id)
            return person is not None and await may_access(self.uow, user, person, now, today)
