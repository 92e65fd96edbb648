"""/devices/{device_pk}/reactivate, /move and /rotate-key: a registered device's life
(registering, changing and removing: ``devices.py``)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from cuiot.application.safety.commands.device_lifecycle import (
    CheckDeviceManager,
    MoveDevice,
    MoveDeviceCommand,
    ReactivateDevice,
    RekeyDevice,
)
from cuiot.application.safety.commands.devices import DeviceCommand
from cuiot.domain.subscriptions import GatedAction
from cuiot.entrypoints.http.deps import Principal, use
from cuiot.entrypoints.http.safety.schemas import DeviceMoveIn, DeviceOut, RegisteredDeviceOut
from cuiot.entrypoints.http.schemas import subscription_required

router = APIRouter(prefix="/devices", tags=["devices"])


async def managed_device(device_pk: UUID, principal: Principal,
                         check: Annotated[CheckDeviceManager, Depends(use(CheckDeviceManager))],
                         ) -> UUID:
    """The device, once the caller may manage it: FastAPI solves this before it reads
    the body, so someone else's device is 404 (and a device one only sees, 403) whatever
    the body says."""
    await check(DeviceCommand(principal.user_id, device_pk))
    return device_pk


@router.post("/{device_pk}/reactivate", response_model=DeviceOut,
             responses=subscription_required(GatedAction.REACTIVATE_DEVICE),
             summary="Put a removed device back in service",
             description="With its key, settings and history; its status is `unknown` until "
                         "it is heard from. Gated as registering is: a subscription in force "
                         "(402 `subscription_required`) and the package limits (409 "
                         "`package_limit_exceeded`). 409 when it is active, or when another "
                         "active device holds its `device_id`.")
async def reactivate_device(device_pk: UUID, principal: Principal,
                            reactivate: Annotated[ReactivateDevice,
                                                  Depends(use(ReactivateDevice))]) -> DeviceOut:
    return DeviceOut.of(await reactivate(DeviceCommand(principal.user_id, device_pk)))


@router.post("/{device_pk}/move", response_model=DeviceOut,
             summary="Move a device to another person of the same account",
             description="What it reports from now on, and the alerts it opens, belong to the "
                         "new person; its past events and the alerts already open stay with "
                         "the person it watched. 422 for a person of another account, 409 "
                         "for a removed device or the person it already watches.")
async def move_device(device_pk: Annotated[UUID, Depends(managed_device)], body: DeviceMoveIn,
                      principal: Principal,
                      move: Annotated[MoveDevice, Depends(use(MoveDevice))]) -> DeviceOut:
    return DeviceOut.of(await move(MoveDeviceCommand(principal.user_id, device_pk,
                                                     body.cared_person_id)))


@router.post("/{device_pk}/rotate-key", response_model=RegisteredDeviceOut,
             summary="Give a device a new key (shown only now); the old one stops at once",
             description="The key a device sends in `X-Device-Key` to "
                         "`POST /devices/{device_id}/telemetry`. Messages over MQTT carry no "
                         "device key: the broker's own credentials guard them.")
async def rotate_device_key(device_pk: UUID, principal: Principal,
                            rekey: Annotated[RekeyDevice, Depends(use(RekeyDevice))],
                            ) -> RegisteredDeviceOut:
    return RegisteredDeviceOut.of_registered(
        await rekey(DeviceCommand(principal.user_id, device_pk)))
