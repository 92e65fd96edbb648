"""Device status and the periodic checks: devices gone silent, people gone still.

- ``RecordDeviceStatus``: the device's retained status / last will. ``offline`` gives a
  ``device_offline`` event (medium → alert) once, however often it is repeated.
- A device gone offline (either way) has its person's coverage evaluated right after,
  in a unit of work of its own (``coverage.EvaluateCoverage``): a lapse is told without
  waiting for the periodic coverage check.
- ``CheckDevicesOffline`` (job): a device not heard from for
  ``heartbeats_missed_for_offline`` × its heartbeat (``config.heartbeat_s`` or
  ``policy.heartbeat_default``) goes offline, once, until it is heard from again.
- ``CheckInactivity`` (job): no motion from any of a person's motion sensors for
  ``policy.inactivity_after`` within the daytime window (see
  ``sensor_events.inactivity_due``) → a high ``inactivity`` event and alert, once per
  quiet spell. A person who never moved is counted from their first motion sensor's
  registration. The event is filed under the person's oldest active motion sensor.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from cuiot.application.safety.commands.coverage import (
    EvaluateCoverage,
    EvaluateCoverageCommand,
)
from cuiot.application.safety.commands.escalation import Alerting, SafetyUseCase
from cuiot.application.safety.commands.ingest import active_device
from cuiot.application.safety.commands.readings import event_time
from cuiot.domain.classification import DEVICE_OFFLINE, INACTIVITY
from cuiot.domain.devices import Device, DeviceStatus
from cuiot.domain.errors import InvalidReading, MonitoringStopped, ValidationFailed
from cuiot.domain.instants import iso_utc
from cuiot.domain.sensor_events import DeviceType, EventType, inactivity_due


@dataclass(frozen=True, slots=True)
class RecordDeviceStatusCommand:
    device_id: str
    status: str  # online | offline
    heartbeat_s: int | None = None
    ts: datetime | None = None


@dataclass(frozen=True, slots=True)
class PeriodicCheckCommand:
    limit: int = 500  # devices handled per page or per run


def _iso(moment: datetime | None) -> str | None:
    return iso_utc(moment) if moment is not None else None


async def _go_offline(alerting: Alerting, device: Device, reason: str, at: datetime) -> bool:
    """Mark the device offline and record ``device_offline`` — only if it was not already."""
    if not device.mark_offline():
        return False
    person = await alerting.uow.cared_persons.get(device.cared_person_id)
    data = {"reason": reason, "last_seen_at": _iso(device.last_seen_at)}
    await alerting.record(device, person, DEVICE_OFFLINE, data=data, timestamp=at)
    return True


async def _judge_coverage(use_case: SafetyUseCase, cared_person_ids: set[UUID]) -> None:
    """The coverage of the persons whose device just went offline, once the unit of work
    that marked it committed (coverage states are held before devices, never after)."""
    await EvaluateCoverage(use_case.uow, use_case.clock, use_case.ids, use_case.policy)(
        EvaluateCoverageCommand(frozenset(cared_person_ids)))


class RecordDeviceStatus(SafetyUseCase):
    async def __call__(self, cmd: RecordDeviceStatusCommand) -> DeviceStatus:
        if cmd.status not in {DeviceStatus.ONLINE, DeviceStatus.OFFLINE}:
            raise InvalidReading(f"unknown status {cmd.status!r}", field="status",
                                 reason="unknown_status")
        async with self.uow:
            device = await active_device(self.uow, cmd.device_id)
            person = await self.uow.cared_persons.get(device.cared_person_id)
            if person is not None and not person.is_active:
                raise MonitoringStopped(device.device_id, person.id)
            alerting = self._alerting()
            timestamp = event_time(cmd.ts, alerting.now)
            if cmd.heartbeat_s is not None:
                try:
                    device.announce_heartbeat(cmd.heartbeat_s, self.policy)
                except ValidationFailed as error:
                    raise InvalidReading(error.message, field="heartbeat_s") from error
            went = False
            if cmd.status == DeviceStatus.ONLINE:
                device.mark_seen(alerting.now, self.policy)
            else:
                went = await _go_offline(alerting, device, "status_offline", timestamp)
            await self.uow.commit()
        if went:
            await _judge_coverage(self, {device.cared_person_id})
        return device.status


class CheckDevicesOffline(SafetyUseCase):
    """Returns how many devices went offline."""

    async def __call__(self, cmd: PeriodicCheckCommand | None = None) -> int:
        cmd = cmd or PeriodicCheckCommand()
        async with self.uow:
            alerting = self._alerting()
            due = await self.uow.devices.list_offline_due(alerting.now, cmd.limit)
            went = [await _go_offline(alerting, d, "missed_heartbeats", alerting.now) for d in due]
            await self.uow.commit()
        await _judge_coverage(self, {d.cared_person_id
                                     for d, gone in zip(due, went, strict=True) if gone})
        return sum(went)


class CheckInactivity(SafetyUseCase):
    """Returns how many inactivity events were raised."""

    async def __call__(self, cmd: PeriodicCheckCommand | None = None) -> int:
        cmd = cmd or PeriodicCheckCommand()
        async with self.uow:
            alerting = self._alerting()
            sensors = await self._motion_sensors_by_person(cmd.limit)
            raised = [await self._check(alerting, person_id, devices)
                      for person_id, devices in sensors.items()]
            await self.uow.commit()
        return sum(raised)

    async def _motion_sensors_by_person(self, page: int) -> dict[UUID, list[Device]]:
        found: dict[UUID, list[Device]] = defaultdict(list)
        offset = 0
        while batch := await self.uow.devices.list_active_of_type(DeviceType.MOTION_SENSOR,
                                                                  offset, page):
            for device in batch:
                found[device.cared_person_id].append(device)
            offset += len(batch)
        return found

    async def _check(self, alerting: Alerting, person_id: UUID, devices: list[Device]) -> bool:
        person = await self.uow.cared_persons.get(person_id)
        if person is None or not person.is_active:
            return False
        quiet_since = person.last_activity_at or min(d.created_at for d in devices)
        if not inactivity_due(quiet_since, alerting.now, self.policy):
            return False
        last = await self.uow.events.latest_of_type_for_cared_person(person_id,
                                                                     EventType.INACTIVITY)
        if last is not None and last.timestamp >= quiet_since:
            return False  # already raised for this quiet spell
        quiet_minutes = int((alerting.now - quiet_since).total_seconds() // 60)
        data = {"last_activity_at": _iso(person.last_activity_at), "quiet_minutes": quiet_minutes}
        await alerting.record(devices[0], person, INACTIVITY, data=data, timestamp=alerting.now)
        return True
