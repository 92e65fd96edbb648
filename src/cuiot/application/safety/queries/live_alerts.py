"""The live alert stream's rules: what a change looks like and who may see it.

- ``ReadAlertChanges``: after a commit, the changed alerts as they now stand in the
  database, in the shape of the HTTP API's alerts (CONTRACTS.md), one message per alert,
  read in one statement.
- ``AlertsVisibleTo``: the cared persons whose alerts a user may see (admins: all).
- ``LiveAlertFilter``: one connection's gate. It knows the user's audience and checks a
  cared person it has not heard of (access given since) against the access rule;
  answers are kept for ``recheck_after``, then the audience is loaded again (the user
  deactivated). Access taken away is heard at once: the stream carries an
  ``access_changed`` message (``access_change``) ahead of every alert change committed
  after the removal, and the gate of that user loads the audience again before it
  decides on the next alert. That message is never forwarded.

All of them are reads: views, no unit of work, no row lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from cuiot.application.safety.ports import AlertChange, AlertView, AlertViews, LiveAudience
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer
from cuiot.domain.alerts import (
    AlertAcknowledged,
    AlertEscalated,
    AlertJoined,
    AlertOpened,
    AlertResolved,
    AlertSent,
    AlertUnhandled,
)
from cuiot.domain.errors import Unauthenticated
from cuiot.domain.events import DomainEvent
from cuiot.domain.instants import iso_utc

CHANGE_NAMES: dict[type[DomainEvent], str] = {
    AlertOpened: "opened", AlertJoined: "joined", AlertSent: "sent",
    AlertEscalated: "escalated", AlertAcknowledged: "acknowledged",
    AlertResolved: "resolved", AlertUnhandled: "unhandled",
}


ACCESS_CHANGED = "access_changed"


def access_change(user_id: UUID | None) -> AlertChange:
    """The stream's word that ``user_id`` (None: anybody) lost access to some persons."""
    return {"change": ACCESS_CHANGED, "user_id": None if user_id is None else str(user_id)}


def change_name(event: DomainEvent) -> str | None:
    """``opened``, ``escalated``…; None for an event that is no alert change."""
    return CHANGE_NAMES.get(type(event))


def _iso(moment: datetime | None) -> str | None:
    return iso_utc(moment) if moment is not None else None


def _text(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


def alert_json(alert: AlertView) -> dict[str, object]:
    """The alert as the HTTP API shows it, in JSON values."""
    return {
        "id": str(alert.id), "alert_type": alert.alert_type, "severity": alert.severity.value,
        "status": alert.status.value, "escalation_level": alert.escalation_level,
        "occurrences": alert.occurrences, "cared_person_id": str(alert.cared_person_id),
        "cared_person_name": alert.cared_person_name, "device_id": alert.device_id,
        "device_pk": str(alert.device_pk), "device_name": alert.device_name,
        "created_at": _iso(alert.created_at), "last_event_at": _iso(alert.last_event_at),
        "acknowledged_at": _iso(alert.acknowledged_at),
        "acknowledged_by": _text(alert.acknowledged_by),
        "acknowledged_via": alert.acknowledged_via,
        "acknowledged_recipient": alert.acknowledged_recipient,
        "resolved_at": _iso(alert.resolved_at), "resolved_by": _text(alert.resolved_by),
    }


@dataclass(frozen=True, slots=True)
class ReadAlertChangesQuery:
    changes: tuple[tuple[UUID, str], ...]  # (alert id, change name), oldest first


class ReadAlertChanges:
    """One message per alert, its newest state; ``opened`` wins over later changes of
    the same batch so a client always learns an alert is new."""

    def __init__(self, alerts: AlertViews) -> None:
        self.alerts = alerts

    async def __call__(self, query: ReadAlertChangesQuery) -> list[AlertChange]:
        names: dict[UUID, str] = {}
        for alert_id, name in query.changes:
            names[alert_id] = "opened" if names.get(alert_id) == "opened" else name
        found = {alert.id: alert for alert in await self.alerts.of_ids(list(names))}
        return [{"change": name, "alert": alert_json(found[alert_id])}
                for alert_id, name in names.items() if alert_id in found]


@dataclass(frozen=True, slots=True)
class AlertsVisibleToQuery:
    user_id: UUID


@dataclass(frozen=True, slots=True)
class Audience:
    viewer: Viewer
    cared_person_ids: frozenset[UUID] = frozenset()

    @property
    def everyone(self) -> bool:
        """An admin: every alert."""
        return self.viewer.is_admin

    def sees(self, cared_person_id: UUID) -> bool:
        return self.everyone or cared_person_id in self.cared_person_ids


class AlertsVisibleTo:
    """``Unauthenticated`` if the user is gone or inactive."""

    def __init__(self, audience: LiveAudience, clock: Clock) -> None:
        self.audience, self.clock = audience, clock

    async def __call__(self, query: AlertsVisibleToQuery) -> Audience:
        viewer = await self.audience.viewer(query.user_id, self.clock.now())
        if viewer is None:
            raise Unauthenticated("unknown or inactive user")
        if viewer.is_admin:
            return Audience(viewer)
        return Audience(viewer, await self.audience.visible_person_ids(viewer,
                                                                       self.clock.today()))


@dataclass
class LiveAlertFilter:
    user_id: UUID
    views: LiveAudience
    clock: Clock
    recheck_after: timedelta = timedelta(seconds=30)
    _audience: Audience | None = field(default=None, init=False)
    _loaded_at: datetime | None = field(default=None, init=False)
    _denied: set[UUID] = field(default_factory=set, init=False)

    async def may_see(self, change: AlertChange) -> bool:
        """Whether this connection's user may see the change's alert (never an
        ``access_changed`` message: one for this user makes the next alert's answer come
        from the access rule as it now stands)."""
        if change.get("change") == ACCESS_CHANGED:
            if change.get("user_id") in (None, str(self.user_id)):
                self._audience = None
            return False
        cared_person_id = UUID(change["alert"]["cared_person_id"])
        audience = await self.audience()
        if audience.sees(cared_person_id):
            return True
        if cared_person_id in self._denied:
            return False
        if await self.views.may_see_person(audience.viewer, cared_person_id,
                                           self.clock.today()):
            self._audience = Audience(audience.viewer,
                                      audience.cared_person_ids | {cared_person_id})
            return True
        self._denied.add(cared_person_id)
        return False

    async def audience(self) -> Audience:
        """The user's audience, loaded again once ``recheck_after`` has passed."""
        now = self.clock.now()
        if self._audience is None or self._loaded_at is None or (
                now - self._loaded_at >= self.recheck_after):
            self._audience = await AlertsVisibleTo(self.views, self.clock)(
                AlertsVisibleToQuery(self.user_id))
            self._loaded_at, self._denied = now, set()
        return self._audience
