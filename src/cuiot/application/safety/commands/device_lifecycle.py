"""A device's life after it was registered: reactivated, moved to another person of the
same account, given a new key. (Register, change, remove: ``devices.py``.)

The same people may do these as may change a device (the account holder, the active
representative, the institution's staff, admins): others who see the device get
``Forbidden``, everyone else is told it does not exist. Reactivating adds an active
device to the account, so it passes the gates registering does (a subscription in force,
the package limits); its ``device_id`` must not be held by another active device.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.billing import limits
from cuiot.application.safety.commands.devices import (
    DeviceCommand,
    RegisteredDevice,
    _DeviceUseCase,
    may_manage_devices,
)
from cuiot.application.shared.access import accessible_cared_person, load_actor
from cuiot.application.shared.ports import Clock, RandomSource
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.devices import Device
from cuiot.domain.errors import Conflict, Forbidden, NotFound
from cuiot.domain.policy import Policy
from cuiot.domain.subscriptions import GatedAction


@dataclass(frozen=True, slots=True)
class MoveDeviceCommand:
    actor_id: UUID
    device_pk: UUID
    cared_person_id: UUID  # the person it watches from now on


class CheckDeviceManager(_DeviceUseCase):
    """Whether the actor may manage the device: ``NotFound`` when they may not see it,
    ``Forbidden`` when they may only see it. Routes ask it before they read a body."""

    async def __call__(self, cmd: DeviceCommand) -> None:
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            await self._device(actor, cmd.device_pk, manage=True)


class ReactivateDevice(_DeviceUseCase):
    """A removed device in service again, with its key and its history."""

    async def __call__(self, cmd: DeviceCommand) -> Device:
        async with self.uow:
            now, today = self.clock.now(), self.clock.today()
            actor = await load_actor(self.uow, cmd.actor_id)
            device = await self._device(actor, cmd.device_pk, manage=True)
            device.ensure_removed()
            holder = await self.uow.devices.get_by_device_id(device.device_id)
            if holder is not None and holder.is_active:
                raise Conflict("device_id held by another active device: remove it first",
                               device_id=device.device_id, held_by=str(holder.id))
            person = await self.uow.cared_persons.get(device.cared_person_id)
            if person is None:
                raise NotFound("device", cmd.device_pk)
            await limits.ensure_subscribed(
                self.uow, actor, GatedAction.REACTIVATE_DEVICE, account_id=person.account_id,
                institution_id=person.institution_id, now=now, today=today)
            await limits.ensure_within_limits(
                self.uow, account_id=person.account_id, institution_id=person.institution_id,
                adding={"devices": 1}, policy=self.policy)
            device.reactivate()
            await self.uow.commit()
        return device


class MoveDevice(_DeviceUseCase):
    """The device watches another person of the same account from now on. Moving into
    another institution adds a device to that institution: its limits are checked."""

    async def __call__(self, cmd: MoveDeviceCommand) -> Device:
        async with self.uow:
            now, today = self.clock.now(), self.clock.today()
            actor = await load_actor(self.uow, cmd.actor_id)
            device = await self._device(actor, cmd.device_pk, manage=True)
            source = await self.uow.cared_persons.get(device.cared_person_id)
            if source is None:
                raise NotFound("device", cmd.device_pk)
            target = await accessible_cared_person(self.uow, actor, cmd.cared_person_id,
                                                   now, today)
            if not await may_manage_devices(self.uow, actor, target, now, today):
                raise Forbidden("only the account holder, the representative, the "
                                "institution or an admin may give this person a device")
            device.ensure_may_move(source, target)  # same account, another person, active
            if target.institution_id not in (None, source.institution_id):
                await limits.ensure_within_limits(
                    self.uow, account_id=None, institution_id=target.institution_id,
                    adding={"devices": 1}, policy=self.policy)
            device.move(source, target)
            await self.uow.commit()
        return device


class RekeyDevice(_DeviceUseCase):
    """A new key for the device, shown once; the old key stops working at once."""

    def __init__(self, uow: UnitOfWork, clock: Clock, rng: RandomSource,
                 policy: Policy) -> None:
        super().__init__(uow, clock, policy)
        self.rng = rng

    async def __call__(self, cmd: DeviceCommand) -> RegisteredDevice:
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            device = await self._device(actor, cmd.device_pk, manage=True)
            api_key = self.rng.token()
            device.rekey(api_key)
            await self.uow.commit()
        return RegisteredDevice(device, api_key)
