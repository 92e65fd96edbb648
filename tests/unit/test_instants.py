"""One way to write an instant, everywhere CUIOT shows one: as the HTTP API writes it
(pydantic: UTC ending in ``Z``), over the WebSocket and in webhooks too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest
from pydantic import TypeAdapter

from cuiot.adapters.notifications.webhook import notification_document
from cuiot.application.safety.ports import AlertView
from cuiot.application.safety.queries.live_alerts import alert_json
from cuiot.domain.alerts import AlertStatus
from cuiot.domain.instants import iso_utc
from cuiot.domain.notifications import Channel, Notification
from cuiot.domain.sensor_events import Severity

AT = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
HTTP = TypeAdapter(datetime)


@pytest.mark.parametrize("moment", [AT, AT.replace(microsecond=120_000),
                                    AT.replace(microsecond=5)])
def test_an_instant_reads_as_over_http(moment):
    assert iso_utc(moment) == HTTP.dump_python(moment, mode="json")


def test_an_instant_in_another_zone_reads_in_utc():
    buenos_aires = AT.astimezone(timezone(timedelta(hours=-3)))
    assert iso_utc(buenos_aires) == "2026-01-15T15:00:00Z"


def test_the_live_stream_writes_instants_as_http():
    view = AlertView(
        id=uuid4(), alert_type="fall", severity=Severity.CRITICAL,
        status=AlertStatus.ACKNOWLEDGED, escalation_level=1, occurrences=1,
        cared_person_id=uuid4(), cared_person_name="Rosa Gómez", device_pk=uuid4(),
        device_id="fall-1", device_name="Sensor", created_at=AT, last_event_at=AT,
        acknowledged_at=AT + timedelta(seconds=30), acknowledged_by=uuid4(),
        resolved_at=None, resolved_by=None)
    written = alert_json(view)
    assert (written["created_at"], written["acknowledged_at"], written["resolved_at"]) == (
        "2026-01-15T15:00:00Z", "2026-01-15T15:00:30Z", None)


def test_a_webhook_writes_instants_as_http():
    notice = Notification(id=uuid4(), channel=Channel.WEBHOOK, address="https://hook.test",
                          subject="s", body="b", created_at=AT)
    assert notification_document(notice)["created_at"] == "2026-01-15T15:00:00Z"
