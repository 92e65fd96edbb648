"""/devices: register, list, see, change and remove devices, their events, and the
telemetry a device posts itself; /events: the events of every person one may see."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, Response, Security, status
from fastapi.security import APIKeyHeader

from cuiot.application.safety.commands.devices import (
    DeviceCommand,
    GetDevice,
    ListDeviceEvents,
    ListDeviceEventsCommand,
    ListDevices,
    ListDevicesCommand,
    ListEvents,
    ListEventsCommand,
    RegisterDevice,
    RegisterDeviceCommand,
    RemoveDevice,
    UpdateDevice,
    UpdateDeviceCommand,
)
from cuiot.application.safety.commands.ingest import DUPLICATE
from cuiot.application.safety.commands.telemetry import (
    HttpTelemetryCommand,
    IngestHttpTelemetry,
    NameDevices,
    NameDevicesCommand,
)
from cuiot.domain.sensor_events import SensorEvent
from cuiot.entrypoints.http.deps import PageParams, Principal, use
from cuiot.entrypoints.http.safety.schemas import EventOut, SeverityName
from cuiot.entrypoints.http.schemas import Page
from cuiot.entrypoints.http.safety.schemas import (
    DeviceChangesIn,
    DeviceIn,
    DeviceOut,
    RegisteredDeviceOut,
    RegisteredId,
    Since,
    TelemetryIn,
    TelemetryOut,
)

router = APIRouter(prefix="/devices", tags=["devices"])
events_router = APIRouter(prefix="/events", tags=["events"])
device_key = APIKeyHeader(name="X-Device-Key", auto_error=False,
                          description="The device's own key, given once when it was registered")
Names = Annotated[NameDevices, Depends(use(NameDevices))]


async def _events_out(events: list[SensorEvent], principal: Principal,
                      name: NameDevices) -> list[EventOut]:
    device_ids = await name(NameDevicesCommand.of(principal.user_id, {e.device_pk for e in events}))
    return [EventOut.of(e, device_ids) for e in events]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RegisteredDeviceOut,
             summary="Register a device (its api_key is shown only now)")
async def register_device(body: DeviceIn, principal: Principal,
                          register: Annotated[RegisterDevice, Depends(use(RegisterDevice))],
                          ) -> RegisteredDeviceOut:
    registered = await register(RegisterDeviceCommand(actor_id=principal.user_id,
                                                      **body.model_dump()))
    return RegisteredDeviceOut.of_registered(registered)


@router.get("", response_model=Page[DeviceOut],
            summary="Devices of the people one may see (or of one of them)")
async def list_devices(principal: Principal, page: PageParams,
                       list_: Annotated[ListDevices, Depends(use(ListDevices))],
                       cared_person_id: UUID | None = None) -> Page[DeviceOut]:
    devices = await list_(ListDevicesCommand(principal.user_id, cared_person_id, page.offset,
                                             page.limit + 1))
    return Page.of([DeviceOut.of(d) for d in devices], page.offset, page.limit)


@router.get("/{device_pk}", response_model=DeviceOut, summary="A device")
async def get_device(device_pk: UUID, principal: Principal,
                     get: Annotated[GetDevice, Depends(use(GetDevice))]) -> DeviceOut:
    return DeviceOut.of(await get(DeviceCommand(principal.user_id, device_pk)))


@router.patch("/{device_pk}", response_model=DeviceOut,
              summary="Rename, move or reconfigure a device")
async def update_device(device_pk: UUID, body: DeviceChangesIn, principal: Principal,
                        update: Annotated[UpdateDevice, Depends(use(UpdateDevice))]) -> DeviceOut:
    device = await update(UpdateDeviceCommand(principal.user_id, device_pk, **body.model_dump()))
    return DeviceOut.of(device)


@router.delete("/{device_pk}", response_model=DeviceOut,
               summary="Remove a device: deactivated, its history kept, its messages refused")
async def remove_device(device_pk: UUID, principal: Principal,
                        remove: Annotated[RemoveDevice, Depends(use(RemoveDevice))]) -> DeviceOut:
    return DeviceOut.of(await remove(DeviceCommand(principal.user_id, device_pk)))


@router.get("/{device_pk}/events", response_model=Page[EventOut],
            summary="A device's events, newest first")
async def device_events(device_pk: UUID, principal: Principal, page: PageParams, names: Names,
                        list_: Annotated[ListDeviceEvents, Depends(use(ListDeviceEvents))],
                        ) -> Page[EventOut]:
    events = await list_(ListDeviceEventsCommand(principal.user_id, device_pk, page.offset,
                                                 page.limit + 1))
    return Page.of(await _events_out(events, principal, names), page.offset, page.limit)


@router.post("/{device_id}/telemetry", status_code=status.HTTP_201_CREATED,
             response_model=TelemetryOut,
             responses={200: {"model": TelemetryOut, "description": "Seen before: stored once"}},
             summary="A device posts a reading, authenticated by its own key (X-Device-Key)",
             description="`{device_id}` is the device's registered id, as in its MQTT topics; "
                         "the body is the payload of `cuiot/devices/{device_id}/telemetry`. "
                         "No bearer token. An impossible reading is answered 422 "
                         "`invalid_reading` and kept as a rejected message.")
async def post_telemetry(device_id: Annotated[RegisteredId, Path()], body: TelemetryIn,
                         request: Request, response: Response,
                         api_key: Annotated[str | None, Security(device_key)],
                         ingest: Annotated[IngestHttpTelemetry, Depends(use(IngestHttpTelemetry))],
                         ) -> TelemetryOut:
    result = await ingest(HttpTelemetryCommand(device_id=device_id, api_key=api_key or "",
                                               raw=await request.body(), **body.model_dump()))
    if result.outcome == DUPLICATE:
        response.status_code = status.HTTP_200_OK
    return TelemetryOut.of(result)


@events_router.get("", response_model=Page[EventOut],
                   summary="Events of the people one may see, newest first")
async def list_events(principal: Principal, page: PageParams, names: Names,
                      list_: Annotated[ListEvents, Depends(use(ListEvents))],
                      cared_person_id: UUID | None = None,
                      severity: Annotated[SeverityName | None, Query()] = None,
                      since: Annotated[Since | None, Query()] = None) -> Page[EventOut]:
    events = await list_(ListEventsCommand(principal.user_id, cared_person_id, severity, since,
                                           page.offset, page.limit + 1))
    return Page.of(await _events_out(events, principal, names), page.offset, page.limit)
