"""/devices/{device_pk}/commands: send a command to a device and follow what became of it.

With MQTT off (``cuiot serve --no-mqtt``, ``CUIOT_MQTT_URL=off``) no command can reach a
device: sending answers 503 ``mqtt_unavailable`` and stores nothing; reading the commands
sent before still works."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, status
from fastapi.responses import JSONResponse

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
from cuiot.entrypoints.container import Container
from cuiot.entrypoints.http.deps import Principal, get_container, query, use
from cuiot.entrypoints.http.errors import body as error_body
from cuiot.entrypoints.http.safety.device_lifecycle import managed_device
from cuiot.entrypoints.http.safety.schemas import DeviceCommandIn, DeviceCommandOut
from cuiot.entrypoints.http.schemas import ErrorBody

router = APIRouter(prefix="/devices/{device_pk}/commands", tags=["devices"])

MQTT_OFF: dict[int | str, dict[str, Any]] = {503: {
    "model": ErrorBody,
    "description": "MQTT is off in this server (`cuiot serve --no-mqtt` or "
                   "`CUIOT_MQTT_URL=off`): `mqtt_unavailable`"}}


def mqtt_unavailable() -> JSONResponse:
    return JSONResponse(error_body("mqtt_unavailable",
                                   "MQTT is off in this server: commands cannot reach devices",
                                   {"reason": "mqtt_off"}), status.HTTP_503_SERVICE_UNAVAILABLE)


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=DeviceCommandOut,
             summary="Send a command to a device (over MQTT); follow it by its command_id",
             description="Answered once the broker took it (`sent`) or could not be reached "
                         "(`failed`, result `not_delivered`); the device's reply completes "
                         "or fails it, and without one it becomes `timed_out`. With MQTT "
                         "off: 503, and nothing is stored.",
             responses=MQTT_OFF)
async def send_command(device_pk: Annotated[UUID, Depends(managed_device)],
                       body: DeviceCommandIn, principal: Principal,
                       send: Annotated[SendDeviceCommand, Depends(use(SendDeviceCommand))],
                       container: Annotated[Container, Depends(get_container)],
                       ) -> DeviceCommandOut | JSONResponse:
    if container.command_gateway() is None:
        return mqtt_unavailable()
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
