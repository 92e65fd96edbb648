"""Devices of a cared person: register, list, see, change, remove, and their events.

Everyone with access to the cared person may see the devices and their events. Only the
account holder, the active legal representative, staff of the person's institution or
an admin may register, change or remove one (others with access get ``Forbidden``;
people without access are told it does not exist). Registering is the one step gated by
the package limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from cuiot.application.billing.commands import limits
from cuiot.application.shared.access import (
    accessible_cared_person,
    accessible_cared_persons,
    load_actor,
    may_access,
)
from cuiot.application.shared.ports import Clock, IdGenerator, RandomSource
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.capacity import representative_id_of
from cuiot.domain.care import CaredPerson
from cuiot.domain.devices import Device, hash_api_key
from cuiot.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from cuiot.domain.policy import Policy
from cuiot.domain.sensor_events import DeviceType, SensorEvent, Severity
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
class ListDevicesCommand:
    actor_id: UUID
    cared_person_id: UUID | None = None
    offset: int = 0
    limit: int = 100


@dataclass(frozen=True, slots=True)
class DeviceCommand:
    """Get or remove a device (``device_pk`` is the device's id, not its MQTT name)."""

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


async def visible_cared_person_ids(uow: UnitOfWork, user: User, cared_person_id: UUID | None,
                                   now: datetime, today: date) -> list[UUID] | None:
    """The cared persons a listing may show: one (if accessible), all (admins) or the
    user's own. ``None`` means every cared person."""
    if cared_person_id is not None:
        return [(await accessible_cared_person(uow, user, cared_person_id, now, today)).id]
    if user.is_admin(now):
        return None
    return [cp.id for cp in await accessible_cared_persons(uow, user, now, today)]


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
            if await self.uow.devices.get_by_device_id(cmd.device_id) is not None:
                raise Conflict("device_id already registered", device_id=cmd.device_id)
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


class ListDevices(_DeviceUseCase):
    async def __call__(self, cmd: ListDevicesCommand) -> list[Device]:
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            ids = await visible_cared_person_ids(self.uow, actor, cmd.cared_person_id,
                                                 self.clock.now(), self.clock.today())
            return await self.uow.devices.list_for_cared_persons(ids, cmd.offset, cmd.limit)


class GetDevice(_DeviceUseCase):
    async def __call__(self, cmd: DeviceCommand) -> Device:
        async with self.uow:
            return await self._device(await load_actor(self.uow, cmd.actor_id), cmd.device_pk)


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


@dataclass(frozen=True, slots=True)
class ListDeviceEventsCommand:
    actor_id: UUID
    device_pk: UUID
    offset: int = 0
    limit: int = 100


@dataclass(frozen=True, slots=True)
class ListEventsCommand:
    actor_id: UUID
    cared_person_id: UUID | None = None
    severity: str | None = None
    since: datetime | None = None
    offset: int = 0
    limit: int = 100


class ListDeviceEvents(_DeviceUseCase):
    """A device's events, newest first."""

    async def __call__(self, cmd: ListDeviceEventsCommand) -> list[SensorEvent]:
        async with self.uow:
            device = await self._device(await load_actor(self.uow, cmd.actor_id), cmd.device_pk)
            return await self.uow.events.list_for_device(device.id, cmd.offset, cmd.limit)


class ListEvents(_DeviceUseCase):
    """Events of the cared persons the actor may see, newest first."""

    async def __call__(self, cmd: ListEventsCommand) -> list[SensorEvent]:
        severity = parse_severity(cmd.severity)
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            ids = await visible_cared_person_ids(self.uow, actor, cmd.cared_person_id,
                                                 self.clock.now(), self.clock.today())
            return await self.uow.events.list_for_cared_persons(
                ids, severity=severity, since=cmd.since, offset=cmd.offset, limit=cmd.limit)


def parse_severity(value: str | None) -> Severity | None:
    try:
        return None if value is None else Severity(value)
    except ValueError:
        raise ValidationFailed(f"unknown severity {value!r}", field="severity") from None
