"""Ingestion of what devices send (MQTT or HTTP telemetry): readings and device events.

Each message is classified, stored once (by ``msg_id``), and — when serious — opens or
joins an alert whose first notifications are written in the same unit of work. An
impossible message raises ``InvalidReading``: the caller keeps it as rejected. Never
gated by package limits or a suspended subscription.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from cuiot.application.safety.commands.escalation import Alerting, SafetyUseCase
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.care import CaredPerson
from cuiot.domain.classification import (
    Thresholds,
    battery_level,
    classify_battery,
    classify_device_event,
    classify_reading,
)
from cuiot.domain.devices import Device, hash_api_key
from cuiot.domain.errors import InvalidReading, NotFound, Unauthenticated
from cuiot.domain.sensor_events import EventType, SensorEvent

STORED, DUPLICATE = "stored", "duplicate"


@dataclass(frozen=True, slots=True)
class IngestReadingCommand:
    device_id: str
    msg_id: str
    type: str
    data: dict[str, Any]
    ts: datetime | None = None
    battery_level: int | float | None = None


@dataclass(frozen=True, slots=True)
class IngestDeviceEventCommand:
    device_id: str
    msg_id: str
    event: str
    data: dict[str, Any] = field(default_factory=dict)
    ts: datetime | None = None


@dataclass(frozen=True, slots=True)
class IngestResult:
    """``outcome`` is ``stored`` or ``duplicate``. An impossible battery level does not
    cost the reading: it is left out and named in ``battery_rejected``."""

    outcome: str
    events: tuple[SensorEvent, ...] = ()
    battery_rejected: str | None = None

    @property
    def alert_ids(self) -> tuple[UUID, ...]:
        return tuple(e.alert_id for e in self.events if e.alert_id is not None)


async def active_device(uow: UnitOfWork, device_id: str) -> Device:
    device = await uow.devices.get_by_device_id(device_id)
    if device is None or not device.is_active:
        raise NotFound("device", device_id)
    return device


async def watched_person(uow: UnitOfWork, device: Device) -> CaredPerson:
    person = await uow.cared_persons.get(device.cared_person_id)
    if person is None:
        raise NotFound("cared person", device.cared_person_id)
    return person


def event_time(ts: datetime | None, received_at: datetime) -> datetime:
    """The device's time when it gave one (with a zone), else the receive time."""
    if ts is None:
        return received_at
    if ts.tzinfo is None:
        raise InvalidReading("ts has no time zone", field="ts", reason="naive_timestamp")
    return ts


class _Ingest(SafetyUseCase):
    async def _seen_before(self, device: Device, msg_id: str) -> bool:
        return await self.uow.events.get_by_msg_id(device.id, msg_id) is not None


class IngestReading(_Ingest):
    async def __call__(self, cmd: IngestReadingCommand) -> IngestResult:
        async with self.uow:
            device = await active_device(self.uow, cmd.device_id)
            if await self._seen_before(device, cmd.msg_id):
                return IngestResult(DUPLICATE)
            person = await watched_person(self.uow, device)
            thresholds = Thresholds.resolve(self.policy, device.config, person.thresholds)
            found = classify_reading(device.device_type, cmd.type, cmd.data, thresholds)
            alerting = self._alerting()
            timestamp = event_time(cmd.ts, alerting.now)
            device.mark_seen(alerting.now, self.policy)
            events = []
            if found is not None:
                events.append(await alerting.record(device, person, found, data=cmd.data,
                                                    timestamp=timestamp, msg_id=cmd.msg_id))
            rejected = await self._battery(cmd, device, person, thresholds, alerting, events)
            await self.uow.commit()
        return IngestResult(STORED, tuple(events), rejected)

    async def _battery(self, cmd: IngestReadingCommand, device: Device, person: CaredPerson,
                       thresholds: Thresholds, alerting: Alerting,
                       events: list[SensorEvent]) -> str | None:
        if cmd.battery_level is None:
            return None
        try:
            level = battery_level(cmd.battery_level)
        except InvalidReading as error:
            return error.message
        device.report_battery(level)
        found = classify_battery(level, thresholds)
        if found is not None:
            events.append(await alerting.record(
                device, person, found, data={"battery_level": cmd.battery_level},
                timestamp=event_time(cmd.ts, alerting.now),
                msg_id=None if events else cmd.msg_id))
        return None


class IngestDeviceEvent(_Ingest):
    async def __call__(self, cmd: IngestDeviceEventCommand) -> IngestResult:
        async with self.uow:
            device = await active_device(self.uow, cmd.device_id)
            if await self._seen_before(device, cmd.msg_id):
                return IngestResult(DUPLICATE)
            person = await watched_person(self.uow, device)
            found = classify_device_event(device.device_type, cmd.event)
            alerting = self._alerting()
            timestamp = event_time(cmd.ts, alerting.now)
            device.mark_seen(alerting.now, self.policy)
            if found.event_type is EventType.MOTION:
                person.record_activity(min(timestamp, alerting.now))
            event = await alerting.record(device, person, found, data=cmd.data,
                                          timestamp=timestamp, msg_id=cmd.msg_id)
            await self.uow.commit()
        return IngestResult(STORED, (event,))


def check_device_key(device: Device | None, api_key: str) -> Device:
    """The device, if it is active and the key is its own; else ``Unauthenticated``, with
    the same work done for an unknown device (no timing hint)."""
    if device is None:
        hmac.compare_digest(hash_api_key(api_key), "0" * 64)
    if device is None or not device.is_active or not device.verify_key(api_key):
        raise Unauthenticated("unknown device or wrong key")
    return device
