"""/devices/{device_pk}/commands: send a command to a device and follow what became of it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, status

from cuiot.adapters.persistence.views.devices import SqlDeviceViews
from cuiot.application.safety.commands.device_commands import (
    SendDeviceCommand,
    SendDeviceCommandCommand,
)
from cuiot.application.safety.queries.device_commands import (
    GetDeviceCommand,
    GetDeviceCommandQuery,
)
from cuiot.application.shared.queries import Viewer
from cuiot.entrypoints.http.deps import Principal, query, use
from cuiot.entrypoints.http.safety.schemas import DeviceCommandIn, DeviceCommandOut

router = APIRouter(prefix="/devices/{device_pk}/commands", tags=["devices"])


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=DeviceCommandOut,
             summary="Send a command to a device (over MQTT); follow it by its command_id",
             description="Answered once the broker took it (`sent`) or could not be reached "
                         "(`failed`, result `not_delivered`); the device's reply completes "
                         "or fails it, and without one it becomes `timed_out`.")
async def send_command(device_pk: UUID, body: DeviceCommandIn, principal: Principal,
                       send: Annotated[SendDeviceCommand, Depends(use(SendDeviceCommand))],
                       ) -> DeviceCommandOut:
    command = await send(SendDeviceCommandCommand(principal.user_id, device_pk, body.command,
                                                  body.params))
    return DeviceCommandOut.of(command)


@router.get("/{command_id}", response_model=DeviceCommandOut,
            summary="A command sent to a device, with its status and the device's reply")
async def get_command(device_pk: UUID, command_id: UUID, principal: Principal,
                      get: Annotated[GetDeviceCommand,
                                     Depends(query(GetDeviceCommand, SqlDeviceViews))],
                      ) -> DeviceCommandOut:
    viewer = Viewer.of(principal.user_id, principal.roles)
    return DeviceCommandOut.of(await get(GetDeviceCommandQuery(viewer, device_pk, command_id)))
