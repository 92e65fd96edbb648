"""Ingestion of what devices send (MQTT or HTTP telemetry), one message at a time:
readings and device events.

Each message is a batch of one through the batch path's ``BatchWriter`` (``ingest_batch``):
classified, stored once (by ``msg_id``), and — when serious — opening or joining an alert
whose first notifications are written in the same unit of work. An impossible message
raises ``InvalidReading`` (an unknown or removed device ``NotFound``) and nothing is
written: the caller keeps it as rejected. Never gated by package limits or a suspended
subscription.

The commands and outcomes live in ``readings`` (shared with the batch path); they are
named here too, where their callers have always found them.
"""

from __future__ import annotations

import hmac

from cuiot.application.safety.commands.escalation import SafetyUseCase
from cuiot.application.safety.commands.ingest_batch import BatchWriter, Item
from cuiot.application.safety.commands.readings import (
    DUPLICATE,
    STORED,
    DeviceMessageCommand,
    IngestDeviceEventCommand,
    IngestReadingCommand,
    IngestResult,
    event_time,
)
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.devices import Device, hash_api_key
from cuiot.domain.errors import NotFound, Unauthenticated

__all__ = ["DUPLICATE", "STORED", "IngestDeviceEvent", "IngestDeviceEventCommand",
           "IngestReading", "IngestReadingCommand", "IngestResult", "active_device",
           "check_device_key", "event_time"]


async def active_device(uow: UnitOfWork, device_id: str) -> Device:
    device = await uow.devices.get_by_device_id(device_id)
    if device is None or not device.is_active:
        raise NotFound("device", device_id)
    return device


class _IngestOne(SafetyUseCase):
    async def _ingest(self, item: Item) -> IngestResult:
        """The message as a batch of one, committed unless it is refused (then raised)."""
        async with self.uow:
            watched = await self.uow.ingest.devices_by_device_id([item.body.device_id])
            writer = BatchWriter(self.uow, self.clock, self.ids, self.policy)
            [outcome] = await writer.write([item], watched, keep_rejected=False)
            if outcome.error is not None:
                raise outcome.error
            await self.uow.commit()
        return outcome.result or IngestResult(outcome.outcome)


class IngestReading(_IngestOne):
    async def __call__(self, cmd: IngestReadingCommand) -> IngestResult:
        return await self._ingest(DeviceMessageCommand("", b"", cmd))


class IngestDeviceEvent(_IngestOne):
    async def __call__(self, cmd: IngestDeviceEventCommand) -> IngestResult:
        return await self._ingest(DeviceMessageCommand("", b"", cmd))


def check_device_key(device: Device | None, api_key: str) -> Device:
    """The device, if it is active and the key is its own; else ``Unauthenticated``, with
    the same work done for an unknown device (no timing hint)."""
    if device is None:
        hmac.compare_digest(hash_api_key(api_key), "0" * 64)
    if device is None or not device.is_active or not device.verify_key(api_key):
        raise Unauthenticated("unknown device or wrong key")
    return device
