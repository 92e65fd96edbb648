"""Alerts (DOMAIN.md section 6): opened by an event of medium severity or above, joined by
later events of the same person, device and type while open, escalated level by level
until a human acknowledges them (the ladder itself is in ``escalation``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from cuiot.domain.errors import InvalidStateTransition, ValidationFailed
from cuiot.domain.escalation import FIRST_LEVEL, next_rung
from cuiot.domain.events import Aggregate, DomainEvent
from cuiot.domain.policy import Policy
from cuiot.domain.sensor_events import Severity


class AlertStatus(StrEnum):
    PENDING = "pending"  # created, no notification delivered yet
    SENT = "sent"  # a first notification was delivered
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    UNHANDLED = "unhandled"  # the ladder ran out; the admins were told


ESCALATING = frozenset({AlertStatus.PENDING, AlertStatus.SENT})


@dataclass(frozen=True, kw_only=True)
class AlertChanged(DomainEvent):
    alert_id: UUID
    cared_person_id: UUID
    status: AlertStatus
    severity: Severity
    level: int


@dataclass(frozen=True, kw_only=True)
class AlertOpened(AlertChanged): ...


@dataclass(frozen=True, kw_only=True)
class AlertJoined(AlertChanged):
    occurrences: int


@dataclass(frozen=True, kw_only=True)
class AlertSent(AlertChanged): ...


@dataclass(frozen=True, kw_only=True)
class AlertEscalated(AlertChanged):
    repeat: int = 0  # 1..n when the top level is notified again


@dataclass(frozen=True, kw_only=True)
class AlertAcknowledged(AlertChanged):
    by: UUID | None  # None: an emergency contact, from a notification's link or code


@dataclass(frozen=True, kw_only=True)
class AlertResolved(AlertChanged):
    by: UUID


@dataclass(frozen=True, kw_only=True)
class AlertUnhandled(AlertChanged): ...


@dataclass(eq=False)
class Alert(Aggregate):
    id: UUID
    cared_person_id: UUID
    device_pk: UUID
    alert_type: str
    severity: Severity
    created_at: datetime
    next_escalation_at: datetime | None
    last_event_at: datetime
    status: AlertStatus = AlertStatus.PENDING
    escalation_level: int = FIRST_LEVEL
    repeats_at_max_level: int = 0
    occurrences: int = 1
    acknowledged_by: UUID | None = None
    acknowledged_at: datetime | None = None
    # Acknowledged from a notification: its channel and the address it was sent to.
    acknowledged_via: str | None = None
    acknowledged_recipient: str | None = None
    resolved_by: UUID | None = None
    resolved_at: datetime | None = None
    unhandled_at: datetime | None = None

    @classmethod
    def open(cls, *, id: UUID, cared_person_id: UUID, device_pk: UUID, alert_type: str,
             severity: Severity, at: datetime, policy: Policy) -> Alert:
        """A new alert at level 1; level 1 is to be notified at once."""
        if not severity.opens_alert:
            raise ValidationFailed(f"a {severity} event does not open an alert", field="severity")
        alert = cls(id=id, cared_person_id=cared_person_id, device_pk=device_pk,
                    alert_type=alert_type, severity=severity, created_at=at,
                    next_escalation_at=at + policy.escalation_timeout(severity), last_event_at=at)
        alert._record(AlertOpened, at)
        return alert

    @property
    def is_open(self) -> bool:
        return self.status is not AlertStatus.RESOLVED

    @property
    def is_escalating(self) -> bool:
        return self.status in ESCALATING

    def join(self, severity: Severity, at: datetime, policy: Policy) -> int | None:
        """Another event of the same kind. A higher severity raises the alert's and brings
        escalation forward to the new timeout (never later than it already was). If
        nobody is being chased any more (acknowledged or unhandled), a worse event
        starts the ladder again: returns 1, the level to notify now; otherwise None."""
        if not self.is_open:
            raise InvalidStateTransition("alert", self.status.value, "join")
        self.occurrences += 1
        self.last_event_at = max(self.last_event_at, at)
        worse = severity > self.severity
        self.severity = max(self.severity, severity)
        restart = worse and not self.is_escalating
        if restart:
            self._restart(at, policy)
        elif worse and self.next_escalation_at is not None:
            due = at + policy.escalation_timeout(self.severity)
            self.next_escalation_at = min(self.next_escalation_at, due)
        self._record(AlertJoined, at, occurrences=self.occurrences)
        return FIRST_LEVEL if restart else None

    def mark_sent(self, at: datetime) -> bool:
        """A notification of this alert was delivered: pending → sent. True if changed."""
        if self.status is not AlertStatus.PENDING:
            return False
        self.status = AlertStatus.SENT
        self._record(AlertSent, at)
        return True

    def acknowledge(self, by: UUID | None, at: datetime, *, via: str | None = None,
                    recipient: str | None = None) -> None:
        """Someone is on it: escalation stops. ``via`` and ``recipient``: acknowledged
        from a notification (its channel and address); ``by`` is None for a recipient
        with no account (an emergency contact)."""
        if self.status in {AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED}:
            raise InvalidStateTransition("alert", self.status.value, "acknowledge")
        self._take(by, at, via, recipient)
        self._record(AlertAcknowledged, at, by=by)

    def resolve(self, by: UUID, at: datetime) -> None:
        """Closed; acknowledges it first when nobody had."""
        if self.status is AlertStatus.RESOLVED:
            raise InvalidStateTransition("alert", self.status.value, "resolve")
        if self.acknowledged_at is None:
            self._take(by, at)
            self._record(AlertAcknowledged, at, by=by)
        self.status, self.resolved_by, self.resolved_at = AlertStatus.RESOLVED, by, at
        self.next_escalation_at = None
        self._record(AlertResolved, at, by=by)

    def is_due(self, now: datetime) -> bool:
        return (self.is_escalating and self.next_escalation_at is not None
                and self.next_escalation_at <= now)

    def escalate(self, now: datetime, policy: Policy) -> int | None:
        """The level to notify now, or None: not yet due, not escalating, or the ladder
        ran out (then the alert is ``unhandled``: see ``AlertUnhandled``)."""
        if not self.is_due(now):
            return None
        rung = next_rung(self.escalation_level, self.repeats_at_max_level, policy)
        if rung is None:
            self.status, self.unhandled_at, self.next_escalation_at = (
                AlertStatus.UNHANDLED, now, None)
            self._record(AlertUnhandled, now)
            return None
        self.escalation_level, self.repeats_at_max_level = rung.level, rung.repeat
        self.next_escalation_at = now + policy.escalation_timeout(self.severity)
        self._record(AlertEscalated, now, repeat=rung.repeat)
        return rung.level

    def _take(self, by: UUID | None, at: datetime, via: str | None = None,
              recipient: str | None = None) -> None:
        self.status, self.acknowledged_by, self.acknowledged_at = (
            AlertStatus.ACKNOWLEDGED, by, at)
        self.acknowledged_via, self.acknowledged_recipient = via, recipient
        self.next_escalation_at = None

    def _restart(self, at: datetime, policy: Policy) -> None:
        self.status, self.escalation_level, self.repeats_at_max_level = (
            AlertStatus.PENDING, FIRST_LEVEL, 0)
        self.acknowledged_by = self.acknowledged_at = self.unhandled_at = None
        self.acknowledged_via = self.acknowledged_recipient = None
        self.next_escalation_at = at + policy.escalation_timeout(self.severity)

    def _record(self, kind: type[AlertChanged], at: datetime, **extra: object) -> None:
        self.record(kind(occurred_at=at, alert_id=self.id, cared_person_id=self.cared_person_id,
                         status=self.status, severity=self.severity,
                         level=self.escalation_level, **extra))
