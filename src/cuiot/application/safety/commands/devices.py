"""Devices of a cared person: register, change, remove (reactivate, move, re-key:
``device_lifecycle.py``; reads: ``queries/devices.py``, ``queries/events.py``).

Everyone with access to the cared person may see the devices and their events. Only the
account holder, the active legal representative, staff of the person's institution or
an admin may register, change or remove one (others with access get ``Forbidden``;
people without access are told it does not exist). Registering (and reactivating) are
the steps gated by a subscription in force and by the package limits. A removed
device's ``device_id`` may be registered again: a new device, with a new key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from cuiot.application.billing import limits
from cuiot.application.shared.access import accessible_cared_person, load_actor, may_access
from cuiot.application.shared.ports import Clock, IdGenerator, RandomSource
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.capacity import representative_id_of
from cuiot.domain.care import CaredPerson
from cuiot.domain.devices import Device, hash_api_key
from cuiot.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from cuiot.domain.policy import Policy
from cuiot.domain.sensor_events import DeviceType
from cuiot.domain.subscriptions import GatedAction
from cuiot.domain.users import User


@dataclass(frozen=True, slots=True)
class RegisterDeviceCommand:
    actor_id: UUID
    device_id: str
    name: str
    device_type: str
    cared_person_id: UUID
    location: str | None = None
    config: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class RegisteredDevice:
    device: Device
    api_key: str  # shown once; only its sha256 is kept


@dataclass(frozen=True, slots=True)
class DeviceCommand:
    """Remove a device (``device_pk`` is the device's id, not its MQTT name)."""

    actor_id: UUID
    device_pk: UUID


@dataclass(frozen=True, slots=True)
class UpdateDeviceCommand:
    """``None`` leaves a field as it is; a ``config`` given replaces the whole config."""

    actor_id: UUID
    device_pk: UUID
    name: str | None = None
    location: str | None = None
    config: dict[str, Any] | None = None


async def may_manage_devices(uow: UnitOfWork, user: User, person: CaredPerson,
                             now: datetime, today: date) -> bool:
    """Admins, the account holder, the active representative, the institution's staff."""
    if user.is_admin(now) or user.id == person.account_id:
        return True
    representations = await uow.representations.list_for_cared_person(person.id)
    if representative_id_of(representations, today) == user.id:
        return True
    if person.institution_id is None:
        return False
    institution = await uow.institutions.get(person.institution_id)
    return institution is not None and institution.is_staff(user.id)


def device_type(value: str) -> DeviceType:
    try:
        return DeviceType(value)
    except ValueError:
        raise ValidationFailed(f"unknown device type {value!r}", field="device_type") from None


class _DeviceUseCase:
    def __init__(self, uow: UnitOfWork, clock: Clock, policy: Policy) -> None:
        self.uow, self.clock, self.policy = uow, clock, policy

    async def _device(self, actor: User, device_pk: UUID, manage: bool = False) -> Device:
        """The device if ``actor`` may see it (``NotFound`` otherwise) and, with
        ``manage``, change it (``Forbidden`` otherwise)."""
        now, today = self.clock.now(), self.clock.today()
        device = await self.uow.devices.get(device_pk)
        person = await self.uow.cared_persons.get(device.cared_person_id) if device else None
        if device is None or person is None or not await may_access(
                self.uow, actor, person, now, today):
            raise NotFound("device", device_pk)
        if manage and not await may_manage_devices(self.uow, actor, person, now, today):
            raise Forbidden("only the account holder, the representative, the institution "
                            "or an admin may change devices")
        return device


class RegisterDevice(_DeviceUseCase):
    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator, rng: RandomSource,
                 policy: Policy) -> None:
        super().__init__(uow, clock, policy)
        self.ids, self.rng = ids, rng

    async def __call__(self, cmd: RegisterDeviceCommand) -> RegisteredDevice:
        async with self.uow:
            now, today = self.clock.now(), self.clock.today()
            actor = await load_actor(self.uow, cmd.actor_id)
            person = await accessible_cared_person(self.uow, actor, cmd.cared_person_id, now, today)
            if not await may_manage_devices(self.uow, actor, person, now, today):
                raise Forbidden("only the account holder, the representative, the institution "
                                "or an admin may register devices")
            held = await self.uow.devices.get_by_device_id(cmd.device_id)
            if held is not None and held.is_active:
                raise Conflict("device_id already registered", device_id=cmd.device_id)
            await limits.ensure_subscribed(
                self.uow, actor, GatedAction.REGISTER_DEVICE, account_id=person.account_id,
                institution_id=person.institution_id, now=now, today=today)
            await limits.ensure_within_limits(
                self.uow, account_id=person.account_id, institution_id=person.institution_id,
                adding={"devices": 1}, policy=self.policy)
            api_key = self.rng.token()
            device = Device(
                id=self.ids.new_id(), device_id=cmd.device_id, name=cmd.name,
                device_type=device_type(cmd.device_type), cared_person_id=person.id,
                api_key_hash=hash_api_key(api_key), created_at=now, location=cmd.location,
                config=dict(cmd.config or {}))
            await self.uow.devices.add(device)
            await self.uow.commit()
        return RegisteredDevice(device, api_key)


class UpdateDevice(_DeviceUseCase):
    async def __call__(self, cmd: UpdateDeviceCommand) -> Device:
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            device = await self._device(actor, cmd.device_pk, manage=True)
            device.update(self.policy, name=cmd.name, location=cmd.location, config=cmd.config)
            await self.uow.commit()
        return device


class RemoveDevice(_DeviceUseCase):
    """Deactivates the device: its history stays, its messages are refused from now on."""

    async def __call__(self, cmd: DeviceCommand) -> Device:
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            device = await self._device(actor, cmd.device_pk, manage=True)
            device.deactivate()
            await self.uow.commit()
        return device
