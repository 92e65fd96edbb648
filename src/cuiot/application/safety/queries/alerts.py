"""Reads of alerts: those of every person one may see (or of one of them), one alert,
and an alert a command has just changed. Anyone with access to the cared person, or an
admin, may see them; anyone else is told they do not exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from cuiot.application.safety.ports import AlertFilter, AlertView, AlertViews
from cuiot.application.safety.queries.events import parse_severity
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.ack_links import shown_recipient
from cuiot.domain.alerts import Alert, AlertStatus
from cuiot.domain.errors import NotFound, ValidationFailed


@dataclass(frozen=True, slots=True)
class ListAlertsQuery:
    viewer: Viewer
    status: str | None = None
    severity: str | None = None
    cared_person_id: UUID | None = None
    window: Window = field(default_factory=Window)


@dataclass(frozen=True, slots=True)
class GetAlertQuery:
    viewer: Viewer
    alert_id: UUID


class ListAlerts:
    """Newest first (``limit + 1`` read, see ``Window``)."""

    def __init__(self, alerts: AlertViews, clock: Clock) -> None:
        self.alerts, self.clock = alerts, clock

    async def __call__(self, query: ListAlertsQuery) -> list[AlertView]:
        only = AlertFilter(parse_status(query.status), parse_severity(query.severity),
                           query.cared_person_id)
        today = self.clock.today()
        found = await self.alerts.page(query.viewer, today, only, query.window)
        person = query.cared_person_id
        if not found and person is not None and not await self.alerts.may_see_person(
                query.viewer, person, today):
            raise NotFound("cared person", person)
        return found


class GetAlert:
    """Reading an alert takes no lock (acknowledging or resolving it does)."""

    def __init__(self, alerts: AlertViews, clock: Clock) -> None:
        self.alerts, self.clock = alerts, clock

    async def __call__(self, query: GetAlertQuery) -> AlertView:
        found = await self.alerts.one(query.viewer, self.clock.today(), query.alert_id)
        if found is None:
            raise NotFound("alert", query.alert_id)
        return found


class ShowAlert:
    """An alert a command returned, as reads show it: its state as the command left it
    (a read begun before that commit may not see it yet), the names of its device and
    person from the view."""

    def __init__(self, alerts: AlertViews, clock: Clock) -> None:
        self.alerts, self.clock = alerts, clock

    async def __call__(self, alert: Alert) -> AlertView:
        label = await self.alerts.label(alert.device_pk)
        if label is None:  # an alert's device is never deleted (a foreign key holds it)
            raise NotFound("device", alert.device_pk)
        return AlertView(
            id=alert.id, alert_type=alert.alert_type, severity=alert.severity,
            status=alert.status, escalation_level=alert.escalation_level,
            occurrences=alert.occurrences, cared_person_id=alert.cared_person_id,
            cared_person_name=label.cared_person_name, device_pk=alert.device_pk,
            device_id=label.device_id, device_name=label.device_name,
            created_at=alert.created_at,
            last_event_at=alert.last_event_at, acknowledged_at=alert.acknowledged_at,
            acknowledged_by=alert.acknowledged_by, resolved_at=alert.resolved_at,
            resolved_by=alert.resolved_by, acknowledged_via=alert.acknowledged_via,
            acknowledged_recipient=shown_recipient(alert.acknowledged_via,
                                                   alert.acknowledged_recipient))


def parse_status(value: str | None) -> AlertStatus | None:
    try:
        return None if value is None else AlertStatus(value)
    except ValueError:
        raise ValidationFailed(f"unknown alert status {value!r}", field="status") from None
