"""``IngestRepository`` over the in-memory store: what the SQL one does with bulk
statements, done on the store's dicts (devices are handed out as copies and written
back, as rows would be)."""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from cuiot.application.safety.ports import WatchedDevice
from cuiot.domain.devices import Device, holder_of
from cuiot.domain.sensor_events import SensorEvent

if TYPE_CHECKING:
    from tests.fakes.uow import InMemoryStore


class InMemoryIngestRepository:
    def __init__(self, store: InMemoryStore) -> None:
        self.store = store

    async def devices_by_device_id(self, device_ids: Collection[str]) -> dict[str, WatchedDevice]:
        wanted = set(device_ids)
        found = {}
        for device_id in wanted:
            device = holder_of(d for d in self.store.devices.items.values()
                               if d.device_id == device_id)
            if device is not None:
                person = self.store.cared_persons.items.get(device.cared_person_id)
                thresholds = dict(person.thresholds) if person is not None else {}
                active = person is None or person.is_active
                found[device.device_id] = WatchedDevice(copy.deepcopy(device), thresholds,
                                                        active)
        return found

    async def claim_messages(self, events: Sequence[SensorEvent]) -> set[tuple[UUID, str]]:
        stored = {(e.device_pk, e.msg_id) for e in self.store.events.items.values()
                  if e.msg_id is not None}
        claimed = {(e.device_pk, e.msg_id) for e in events} - stored
        return claimed  # type: ignore[return-value]

    async def add_events(self, events: Sequence[SensorEvent]) -> None:
        for event in events:
            await self.store.events.add(event)

    async def save_device_states(self, devices: Sequence[Device]) -> None:
        for device in devices:
            self.store.devices.items[device.id] = device

    async def record_activity(self, latest: Mapping[UUID, datetime]) -> None:
        for person_id, at in latest.items():
            person = self.store.cared_persons.items.get(person_id)
            if person is not None:
                person.record_activity(at)
