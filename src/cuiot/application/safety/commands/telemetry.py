"""Devices over HTTP and people looking at what devices reported.

``IngestHttpTelemetry``: a device that speaks HTTP posts the same reading as its MQTT
telemetry topic, through the batch path of the MQTT consumer (``ingest_batch``). Its own
key comes first (``Unauthenticated`` otherwise, and nothing is kept); an impossible
reading is kept as a rejected message (source ``http``) and the ``InvalidReading`` raised
again, so the device hears why.

``AuthenticateDevice``: the same key check on its own, for the HTTP route to make before
it reads the body: whoever has no device's key learns nothing of what a body should be.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cuiot.application.safety.commands.device_messages import DeviceMessageCommand
from cuiot.application.safety.commands.escalation import SafetyUseCase
from cuiot.application.safety.commands.ingest import (
    IngestReadingCommand,
    IngestResult,
    check_device_key,
)
from cuiot.application.safety.commands.ingest_batch import BatchWriter

SOURCE = "http"


@dataclass(frozen=True, slots=True)
class HttpTelemetryCommand:
    """``device_id`` is the registered (MQTT) id; ``raw`` the body as received, kept
    when the reading is rejected; ``ts`` missing means the receive time."""

    device_id: str
    api_key: str
    msg_id: str
    type: str
    data: dict[str, Any]
    raw: bytes = b""
    ts: datetime | None = None
    battery_level: int | float | None = None


@dataclass(frozen=True, slots=True)
class DeviceKeyCommand:
    device_id: str
    api_key: str


def telemetry_topic(device_id: str) -> str:
    """The MQTT topic carrying the same payload: rejections are filed under it."""
    return f"cuiot/devices/{device_id}/telemetry"


class IngestHttpTelemetry(SafetyUseCase):
    """The device's key is checked on the device the batch path loads, in the same unit
    of work as the reading: one load of the device, one commit."""

    async def __call__(self, cmd: HttpTelemetryCommand) -> IngestResult:
        item = DeviceMessageCommand(telemetry_topic(cmd.device_id), cmd.raw, IngestReadingCommand(
            device_id=cmd.device_id, msg_id=cmd.msg_id, type=cmd.type, data=cmd.data,
            ts=cmd.ts, battery_level=cmd.battery_level), source=SOURCE)
        async with self.uow:
            watched = await self.uow.ingest.devices_by_device_id([cmd.device_id])
            found = watched.get(cmd.device_id)
            check_device_key(found.device if found else None, cmd.api_key)
            writer = BatchWriter(self.uow, self.clock, self.ids, self.policy)
            [outcome] = await writer.write([item], watched)
            await self.uow.commit()
        if outcome.error is not None:  # kept as rejected (source http) and committed
            raise outcome.error
        return outcome.result or IngestResult(outcome.outcome)


class AuthenticateDevice(SafetyUseCase):
    """``Unauthenticated`` unless ``api_key`` is the key of the active device that
    ``device_id`` names. Read on the primary, as the ingest reads it: a device registered
    or re-keyed a moment ago is known there before any replica has it."""

    async def __call__(self, cmd: DeviceKeyCommand) -> None:
        async with self.uow:
            check_device_key(await self.uow.devices.get_by_device_id(cmd.device_id),
                             cmd.api_key)
