"""``cuiot devices reactivate|move|rotate-key``: a registered device's life, as an admin
runs it (the same use cases as ``POST /devices/{id}/reactivate|move|rotate-key``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import typer

from cuiot.application.safety.commands.device_lifecycle import (
    MoveDevice,
    MoveDeviceCommand,
    ReactivateDevice,
    RekeyDevice,
)
from cuiot.application.safety.commands.devices import DeviceCommand
from cuiot.application.shared.id_prefixes import MIN_PREFIX_CHARS, IdKind
from cuiot.domain.devices import Device
from cuiot.entrypoints.cli.arguments import full_id, id_argument
from cuiot.entrypoints.cli.output import emit_one
from cuiot.entrypoints.cli.runtime import admin_actor, run
from cuiot.entrypoints.cli.users import AS_ADMIN, JSON
from cuiot.entrypoints.container import Container, use_case

DEVICE_ID = id_argument(IdKind.DEVICE)
TO_PERSON = typer.Option(..., "--to", show_default=False,
                         help="The cared person it watches from now on: their id, or its "
                              f"first {MIN_PREFIX_CHARS} or more characters.")


async def shown(c: Container, device: Device, **extra: Any) -> dict[str, Any]:
    """The device as a person reads it: its person by name."""
    async with c.uow() as uow:
        person = await uow.cared_persons.get(device.cared_person_id)
    return {"id": device.id, "device_id": device.device_id, "name": device.name,
            "device_type": device.device_type.value, "cared_person_id": device.cared_person_id,
            "cared_person": person.full_name if person else None, "active": device.is_active,
            "status": device.status.value, **extra}


def reactivate(device: str = DEVICE_ID, as_: str | None = AS_ADMIN, json_: bool = JSON) -> None:
    """Put a removed device back in service (its key, settings and history kept)."""

    async def work(c: Container) -> dict[str, Any]:
        command = DeviceCommand(await admin_actor(c, as_),
                                await full_id(c, IdKind.DEVICE, device))
        return await shown(c, await use_case(c, ReactivateDevice)(command))

    emit_one(run(work), json_, "Device reactivated")


def move(device: str = DEVICE_ID, to: str = TO_PERSON, as_: str | None = AS_ADMIN,
         json_: bool = JSON) -> None:
    """Move a device to another person of the same account.

    What it reports from now on is theirs; its past, and the alerts already open, stay
    with the person it watched."""

    async def work(c: Container) -> dict[str, Any]:
        actor = await admin_actor(c, as_)
        device_pk: UUID = await full_id(c, IdKind.DEVICE, device)
        command = MoveDeviceCommand(actor, device_pk, await full_id(c, IdKind.CARED_PERSON, to))
        return await shown(c, await use_case(c, MoveDevice)(command))

    emit_one(run(work), json_, "Device moved")


def rotate_key(device: str = DEVICE_ID, as_: str | None = AS_ADMIN, json_: bool = JSON) -> None:
    """Give a device a new key, shown only now; the old key stops working at once."""

    async def work(c: Container) -> dict[str, Any]:
        command = DeviceCommand(await admin_actor(c, as_),
                                await full_id(c, IdKind.DEVICE, device))
        rekeyed = await use_case(c, RekeyDevice)(command)
        return await shown(c, rekeyed.device, api_key=rekeyed.api_key)

    emit_one(run(work), json_, "New device key (shown only now)")
