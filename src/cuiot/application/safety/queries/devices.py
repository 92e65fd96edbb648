"""Reads of devices: those of every person one may see (or of one of them), and one
device. Anyone with access to the cared person may see its devices; a person or device
one may not see is told not to exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from cuiot.application.safety.ports import DeviceView, DeviceViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import NotFound


@dataclass(frozen=True, slots=True)
class ListDevicesQuery:
    viewer: Viewer
    cared_person_id: UUID | None = None
    window: Window = field(default_factory=Window)


@dataclass(frozen=True, slots=True)
class GetDeviceQuery:
    """``device_pk`` is the device's id, not its MQTT name."""

    viewer: Viewer
    device_pk: UUID


class ListDevices:
    """Active or not, oldest registration first (``limit + 1`` read, see ``Window``)."""

    def __init__(self, devices: DeviceViews, clock: Clock) -> None:
        self.devices, self.clock = devices, clock

    async def __call__(self, query: ListDevicesQuery) -> list[DeviceView]:
        today = self.clock.today()
        found = await self.devices.page(query.viewer, today, query.cared_person_id,
                                        query.window)
        person = query.cared_person_id
        if not found and person is not None and not await self.devices.may_see_person(
                query.viewer, person, today):
            raise NotFound("cared person", person)
        return found


class GetDevice:
    def __init__(self, devices: DeviceViews, clock: Clock) -> None:
        self.devices, self.clock = devices, clock

    async def __call__(self, query: GetDeviceQuery) -> DeviceView:
        found = await self.devices.one(query.viewer, self.clock.today(), query.device_pk)
        if found is None:
            raise NotFound("device", query.device_pk)
        return found
