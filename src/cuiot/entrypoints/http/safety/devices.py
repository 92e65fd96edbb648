"""/devices: register, list, see, change and remove devices, and the telemetry a device
posts itself (their events: ``events.py``)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Request, Response, Security, status
from fastapi.security import APIKeyHeader

from cuiot.adapters.persistence.views.devices import SqlDeviceViews
from cuiot.application.safety.commands.devices import (
    DeviceCommand,
    RegisterDevice,
    RegisterDeviceCommand,
    RemoveDevice,
    UpdateDevice,
    UpdateDeviceCommand,
)
from cuiot.application.safety.commands.ingest import DUPLICATE
from cuiot.application.safety.commands.telemetry import (
    AuthenticateDevice,
    DeviceKeyCommand,
    HttpTelemetryCommand,
    IngestHttpTelemetry,
)
from cuiot.application.safety.queries.devices import (
    GetDevice,
    GetDeviceQuery,
    ListDevices,
    ListDevicesQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.subscriptions import GatedAction
from cuiot.entrypoints.http.deps import PageParams, Principal, query, use
from cuiot.entrypoints.http.safety.schemas import (
    DeviceChangesIn,
    DeviceIn,
    DeviceOut,
    RegisteredDeviceOut,
    TelemetryIn,
    TelemetryOut,
)
from cuiot.entrypoints.http.schemas import Page, subscription_required

router = APIRouter(prefix="/devices", tags=["devices"])
device_key = APIKeyHeader(name="X-Device-Key", auto_error=False,
                          description="The device's own key, given once when it was registered")


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RegisteredDeviceOut,
             responses=subscription_required(GatedAction.REGISTER_DEVICE),
             summary="Register a device (its api_key is shown only now)",
             description="Needs a subscription in force on the account (or the person's "
                         "institution): 402 `subscription_required` otherwise; then room in "
                         "its package (409 `package_limit_exceeded`). A removed device's "
                         "`device_id` may be registered again: a new device, with a new key.")
async def register_device(body: DeviceIn, principal: Principal,
                          register: Annotated[RegisterDevice, Depends(use(RegisterDevice))],
                          ) -> RegisteredDeviceOut:
    registered = await register(RegisterDeviceCommand(actor_id=principal.user_id,
                                                      **body.model_dump()))
    return RegisteredDeviceOut.of_registered(registered)


@router.get("", response_model=Page[DeviceOut],
            summary="Devices of the people one may see (or of one of them)")
async def list_devices(principal: Principal, page: PageParams,
                       list_: Annotated[ListDevices, Depends(query(ListDevices, SqlDeviceViews))],
                       cared_person_id: UUID | None = None) -> Page[DeviceOut]:
    viewer = Viewer.of(principal.user_id, principal.roles)
    devices = await list_(ListDevicesQuery(viewer, cared_person_id,
                                           Window(page.offset, page.limit)))
    return Page.of([DeviceOut.of(d) for d in devices], page.offset, page.limit)


@router.get("/{device_pk}", response_model=DeviceOut, summary="A device")
async def get_device(device_pk: UUID, principal: Principal,
                     get: Annotated[GetDevice, Depends(query(GetDevice, SqlDeviceViews))],
                     ) -> DeviceOut:
    viewer = Viewer.of(principal.user_id, principal.roles)
    return DeviceOut.of(await get(GetDeviceQuery(viewer, device_pk)))


@router.patch("/{device_pk}", response_model=DeviceOut,
              summary="Rename or reconfigure a device (moving it: POST …/move)")
async def update_device(device_pk: UUID, body: DeviceChangesIn, principal: Principal,
                        update: Annotated[UpdateDevice, Depends(use(UpdateDevice))]) -> DeviceOut:
    device = await update(UpdateDeviceCommand(principal.user_id, device_pk, **body.model_dump()))
    return DeviceOut.of(device)


@router.delete("/{device_pk}", response_model=DeviceOut,
               summary="Remove a device: deactivated, its history kept, its messages refused")
async def remove_device(device_pk: UUID, principal: Principal,
                        remove: Annotated[RemoveDevice, Depends(use(RemoveDevice))]) -> DeviceOut:
    return DeviceOut.of(await remove(DeviceCommand(principal.user_id, device_pk)))


async def authenticated_device(
        device_id: Annotated[str, Path(description="The device's registered id, as in "
                                                   "its MQTT topics (up to 64 characters)")],
        api_key: Annotated[str | None, Security(device_key)],
        authenticate: Annotated[AuthenticateDevice, Depends(use(AuthenticateDevice))],
) -> DeviceKeyCommand:
    """The device's key, checked before FastAPI reads the body (it solves dependencies
    first): without a device's own key, any body is 401, never a 422 that describes it."""
    given = DeviceKeyCommand(device_id, api_key or "")
    await authenticate(given)
    return given


@router.post("/{device_id}/telemetry", status_code=status.HTTP_201_CREATED,
             response_model=TelemetryOut,
             responses={200: {"model": TelemetryOut, "description": "Seen before: stored once"}},
             summary="A device posts a reading, authenticated by its own key (X-Device-Key)",
             description="`{device_id}` is the device's registered id, as in its MQTT topics; "
                         "the body is the payload of `cuiot/devices/{device_id}/telemetry`. "
                         "No bearer token. An impossible reading is answered 422 "
                         "`invalid_reading` and kept as a rejected message.")
async def post_telemetry(device: Annotated[DeviceKeyCommand, Depends(authenticated_device)],
                         body: TelemetryIn, request: Request, response: Response,
                         ingest: Annotated[IngestHttpTelemetry, Depends(use(IngestHttpTelemetry))],
                         ) -> TelemetryOut:
    result = await ingest(HttpTelemetryCommand(device_id=device.device_id,
                                               api_key=device.api_key,
                                               raw=await request.body(), **body.model_dump()))
    if result.outcome == DUPLICATE:
        response.status_code = status.HTTP_200_OK
    return TelemetryOut.of(result)

