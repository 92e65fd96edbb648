"""Reading a command sent to a device: anyone who may see the device may read it, with
its status and the device's reply."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.safety.ports import DeviceCommandView, DeviceViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer
from cuiot.domain.errors import NotFound


@dataclass(frozen=True, slots=True)
class GetDeviceCommandQuery:
    viewer: Viewer
    device_pk: UUID
    command_id: UUID


class GetDeviceCommand:
    """A command of another device, of a device one may not see, or unknown, is
    ``NotFound``."""

    def __init__(self, devices: DeviceViews, clock: Clock) -> None:
        self.devices, self.clock = devices, clock

    async def __call__(self, query: GetDeviceCommandQuery) -> DeviceCommandView:
        found = await self.devices.command(query.viewer, self.clock.today(), query.device_pk,
                                           query.command_id)
        if found is None:
            raise NotFound("device command", query.command_id)
        return found
