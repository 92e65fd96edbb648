"""Sensor events: /events, those of every person one may see (or of one of them), and
/devices/{device_pk}/events, one device's. Queries: one SQL statement per page."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from cuiot.adapters.persistence.views.safety import SqlEventViews
from cuiot.application.safety.queries.events import (
    ListDeviceEvents,
    ListDeviceEventsQuery,
    ListEvents,
    ListEventsQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.entrypoints.http.deps import PageParams, Principal, query
from cuiot.entrypoints.http.safety.schemas import EventOut, SeverityName, Since
from cuiot.entrypoints.http.schemas import Page

router = APIRouter(prefix="/events", tags=["events"])
device_router = APIRouter(prefix="/devices", tags=["devices"])


@router.get("", response_model=Page[EventOut],
            summary="Events of the people one may see, newest first")
async def list_events(principal: Principal, page: PageParams,
                      list_: Annotated[ListEvents, Depends(query(ListEvents, SqlEventViews))],
                      cared_person_id: UUID | None = None,
                      severity: Annotated[SeverityName | None, Query()] = None,
                      since: Annotated[Since | None, Query()] = None) -> Response:
    viewer = Viewer.of(principal.user_id, principal.roles)
    events = await list_(ListEventsQuery(viewer, cared_person_id, severity, since,
                                         Window(page.offset, page.limit)))
    return Page[EventOut].response([EventOut.of(e) for e in events], page.offset, page.limit)


@device_router.get("/{device_pk}/events", response_model=Page[EventOut],
                   summary="A device's events, newest first")
async def device_events(device_pk: UUID, principal: Principal, page: PageParams,
                        list_: Annotated[ListDeviceEvents,
                                         Depends(query(ListDeviceEvents, SqlEventViews))],
                        ) -> Response:
    viewer = Viewer.of(principal.user_id, principal.roles)
    events = await list_(ListDeviceEventsQuery(viewer, device_pk,
                                               Window(page.offset, page.limit)))
    return Page[EventOut].response([EventOut.of(e) for e in events], page.offset, page.limit)
