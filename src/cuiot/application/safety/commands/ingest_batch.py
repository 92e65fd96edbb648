"""Device readings and events stored many at a time: the path of the MQTT consumer and
of HTTP telemetry.

One unit of work for a batch, and one round trip per step rather than per message:

1. the devices, with their cared persons' thresholds, in one query;
2. each message checked and classified by the domain, in arrival order (no I/O);
3. the message ids claimed in one statement: the database says which were seen before;
4. the few events that open or join an alert go through ``Alerting``, in order, so an
   alert and its first notifications are written with the events;
5. events inserted in bulk; devices' last seen, status and battery in one statement;
   motion times in one; refused messages kept with their reason;
6. one commit, after which the caller may acknowledge the whole batch.

The per-message use cases (``ingest``) are a batch of one through ``BatchWriter``, so a
message's outcome is the same whichever way it comes. A batch that fails as a whole is
the caller's to retry message by message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any
from uuid import UUID

from cuiot.application.safety.commands.escalation import Alerting, SafetyUseCase
from cuiot.application.safety.commands.readings import (
    DUPLICATE,
    REFUSALS,
    REJECTED,
    STORED,
    DeviceMessageCommand,
    IngestDeviceEventCommand,
    IngestReadingCommand,
    IngestResult,
    MessageOutcome,
    event_time,
    refusal_reason,
)
from cuiot.application.safety.ports import WatchedDevice
from cuiot.domain.care import CaredPerson
from cuiot.domain.classification import (
    Thresholds,
    battery_level,
    classify_battery,
    classify_device_event,
    classify_reading,
    is_urgent_event,
    is_urgent_reading,
)
from cuiot.domain.devices import Device
from cuiot.domain.errors import DomainError, InvalidReading, MonitoringStopped, NotFound
from cuiot.domain.rejections import RejectedMessage
from cuiot.domain.sensor_events import Classification, EventType, SensorEvent

Body = IngestReadingCommand | IngestDeviceEventCommand
Item = DeviceMessageCommand[IngestReadingCommand] | DeviceMessageCommand[IngestDeviceEventCommand]


def closes_batch(body: Body, thresholds: Thresholds) -> bool:
    """A message that must not wait for a batch to fill: a critical device event, or a
    reading that is high or critical by ``thresholds`` (the policy's: a person's own lower
    ones are not known before the batch loads them, so such a reading waits at most the
    batch window)."""
    if isinstance(body, IngestDeviceEventCommand):
        return is_urgent_event(body.event)
    return is_urgent_reading(body.type, body.data, thresholds)


@dataclass
class _Checked:
    """One message once the domain has read it; nothing is written yet."""

    item: Item
    device: Device | None = None
    events: list[SensorEvent] = field(default_factory=list)
    battery: Decimal | None = None
    battery_rejected: str | None = None
    moved_at: datetime | None = None  # a motion event's time
    error: DomainError | None = None

    @property
    def watched(self) -> Device:
        """The message's device: known for every message that got past ``_check``'s
        first step (the domain's reading of it needs the device)."""
        if self.device is None:
            raise AssertionError("no device: the message was refused")
        return self.device

    @cached_property
    def claim(self) -> SensorEvent | None:
        """The event that carries the message's id (none for a battery-only report)."""
        return next((e for e in self.events if e.msg_id is not None), None)


@dataclass
class _Written:
    """What a batch's stored messages change, written in bulk at the end."""

    events: list[SensorEvent] = field(default_factory=list)
    devices: dict[UUID, Device] = field(default_factory=dict)  # heard from
    moved: dict[UUID, datetime] = field(default_factory=dict)  # person → latest motion
    persons: dict[UUID, CaredPerson | None] = field(default_factory=dict)  # for alerts

    def moved_at(self, person_id: UUID, at: datetime) -> None:
        self.moved[person_id] = max(at, self.moved.get(person_id, at))


class BatchWriter(SafetyUseCase):
    """Steps 2 to 5 inside the caller's open unit of work (see the module's docstring).
    ``keep_rejected=False``: a refused message is only named in its outcome (its caller
    raises the refusal, and keeps it in a unit of work of its own if it wants to)."""

    async def write(self, items: Sequence[Item], watched: Mapping[str, WatchedDevice],
                    keep_rejected: bool = True) -> list[MessageOutcome]:
        alerting = self._alerting()
        thresholds = self._thresholds(watched)
        checked = [self._check(item, watched, thresholds, alerting.now) for item in items]
        fresh = await self._claim(checked)
        written = _Written()
        outcomes = [await self._store(one, fresh, alerting, written, keep_rejected)
                    for one in checked]
        await self.uow.ingest.add_events(written.events)
        await self.uow.ingest.save_device_states(
            sorted(written.devices.values(), key=lambda d: d.id))
        await self.uow.ingest.record_activity(written.moved)
        return outcomes

    async def _store(self, one: _Checked, fresh: set[UUID], alerting: Alerting,
                     written: _Written, keep_rejected: bool) -> MessageOutcome:
        """One message's outcome; what it changes is gathered in ``written``, and only an
        alert it opens or joins is written at once."""
        if one.error is not None:
            return await self._reject(one, one.error, keep_rejected)
        if one.claim is not None and one.claim.id not in fresh:
            return MessageOutcome(DUPLICATE)
        device = self._heard(one, alerting.now, written.devices)
        for event in one.events:
            if event.opens_alert:
                person = await self._person(event.cared_person_id, written.persons)
                if person is None or person.is_active:  # deactivated meanwhile: no alert
                    event.attach_to((await alerting.raise_alert(event, person)).id)
        written.events += one.events
        if one.moved_at is not None:
            written.moved_at(device.cared_person_id, one.moved_at)
        return MessageOutcome(STORED, result=IngestResult(STORED, tuple(one.events),
                                                          one.battery_rejected))

    # step 2: the domain reads each message -----------------------------------------

    def _thresholds(self, watched: Mapping[str, WatchedDevice]) -> dict[str, Thresholds]:
        """Each device's thresholds, resolved once for the batch (as ``Thresholds.resolve``:
        the policy's, then the device's config, then the person's own)."""
        base = Thresholds.from_policy(self.policy)
        return {device_id: base.overridden_by(found.device.config)
                .overridden_by(found.person_thresholds)
                for device_id, found in watched.items()}

    def _check(self, item: Item, watched: Mapping[str, WatchedDevice],
               thresholds: Mapping[str, Thresholds], now: datetime) -> _Checked:
        one = _Checked(item)
        try:
            found = watched.get(item.body.device_id)
            if found is None or not found.device.is_active:
                raise NotFound("device", item.body.device_id)
            if not found.person_active:
                raise MonitoringStopped(item.body.device_id, found.device.cared_person_id)
            one.device = found.device
            timestamp = event_time(item.body.ts, now)
            if isinstance(item.body, IngestReadingCommand):
                self._reading(one, item.body, thresholds[item.body.device_id], timestamp, now)
            else:
                self._device_event(one, item.body, timestamp, now)
        except REFUSALS as error:
            one.error, one.events = error, []
        return one

    def _reading(self, one: _Checked, body: IngestReadingCommand, thresholds: Thresholds,
                 timestamp: datetime, now: datetime) -> None:
        found = classify_reading(one.watched.device_type, body.type, body.data, thresholds)
        if found is not None:
            one.events.append(self._event(one, found, body.data, timestamp, now, body.msg_id))
        if body.battery_level is None:
            return
        try:
            one.battery = battery_level(body.battery_level)
        except InvalidReading as error:
            one.battery_rejected = error.message
            return
        low = classify_battery(one.battery, thresholds)
        if low is not None:
            msg_id = None if one.events else body.msg_id
            one.events.append(self._event(one, low, {"battery_level": body.battery_level},
                                          timestamp, now, msg_id))

    def _device_event(self, one: _Checked, body: IngestDeviceEventCommand, timestamp: datetime,
                      now: datetime) -> None:
        found = classify_device_event(one.watched.device_type, body.event)
        one.events.append(self._event(one, found, body.data, timestamp, now, body.msg_id))
        if found.event_type is EventType.MOTION:
            one.moved_at = min(timestamp, now)

    def _event(self, one: _Checked, found: Classification, data: dict[str, Any],
               timestamp: datetime, now: datetime, msg_id: str | None) -> SensorEvent:
        return SensorEvent.new(id=self.ids.new_id(), device_pk=one.watched.id,
                               cared_person_id=one.watched.cared_person_id,
                               classification=found, timestamp=timestamp, received_at=now,
                               sensor_data=data, msg_id=msg_id)

    # steps 3 to 5 --------------------------------------------------------------------

    async def _claim(self, checked: list[_Checked]) -> set[UUID]:
        """Ids of the events whose message is new: not stored before, and the first of
        its ``(device, msg_id)`` in this batch."""
        first: dict[tuple[UUID, str], SensorEvent] = {}
        for one in checked:
            claim = one.claim
            if claim is not None and claim.msg_id is not None:
                first.setdefault((claim.device_pk, claim.msg_id), claim)
        ordered = [first[key] for key in sorted(first, key=lambda k: (str(k[0]), k[1]))]
        claimed = await self.uow.ingest.claim_messages(ordered)
        return {event.id for key, event in first.items() if key in claimed}

    def _heard(self, one: _Checked, now: datetime, touched: dict[UUID, Device]) -> Device:
        device = touched.setdefault(one.watched.id, one.watched)
        device.mark_seen(now, self.policy)
        if one.battery is not None:
            device.report_battery(one.battery)
        return device

    async def _person(self, person_id: UUID,
                      persons: dict[UUID, CaredPerson | None]) -> CaredPerson | None:
        if person_id not in persons:
            persons[person_id] = await self.uow.cared_persons.get(person_id)
        return persons[person_id]

    async def _reject(self, one: _Checked, error: DomainError,
                      keep: bool) -> MessageOutcome:
        item, reason = one.item, refusal_reason(error)
        if keep:
            await self.uow.rejected_messages.add(RejectedMessage.of_bytes(
                item.raw, id=self.ids.new_id(), received_at=self.clock.now(),
                source=item.source, topic=item.topic, reason=reason, detail=error.message,
                device_id=item.body.device_id))
        return MessageOutcome(REJECTED, reason, error.message, error=error)


class IngestBatch(SafetyUseCase):
    """Readings and device events (MQTT telemetry and events), many in one commit."""

    async def __call__(self, items: Sequence[Item]) -> list[MessageOutcome]:
        if not items:
            return []
        async with self.uow:
            watched = await self.uow.ingest.devices_by_device_id(
                {item.body.device_id for item in items})
            outcomes = await BatchWriter(self.uow, self.clock, self.ids, self.policy).write(
                items, watched)
            await self.uow.commit()
        return outcomes
