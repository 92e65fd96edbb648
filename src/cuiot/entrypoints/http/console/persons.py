"""A cared person's page: the latest readings, the blood pressure of the last 30 days
against the thresholds that apply to them, their devices, their protection state, and
what a responder needs to know of them (address, conditions, doctor…).
Every part is a query the API also answers; access is theirs (someone else's person is
not found)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response

from cuiot.adapters.persistence.views.care import SqlCareViews
from cuiot.adapters.persistence.views.coverage import SqlCoverageViews
from cuiot.adapters.persistence.views.devices import SqlDeviceViews
from cuiot.adapters.persistence.views.safety import SqlEventViews
from cuiot.application.care.queries.persons import GetCaredPerson, GetCaredPersonQuery
from cuiot.application.safety.ports import EventView
from cuiot.application.safety.queries.coverage import CoverageQuery, ReadCoverage
from cuiot.application.safety.queries.devices import ListDevices, ListDevicesQuery
from cuiot.application.safety.queries.events import ListEvents, ListEventsQuery
from cuiot.application.shared.queries import MAX_LIMIT, Viewer, Window
from cuiot.domain.classification import Thresholds
from cuiot.entrypoints.http.console.alerts import viewer_of
from cuiot.entrypoints.http.console.chart import DAYS, blood_pressure_chart
from cuiot.entrypoints.http.console.pages import ConsoleRoute, render
from cuiot.entrypoints.http.console.presenters import coverage_box, device_rows, reading_rows
from cuiot.entrypoints.http.console.session import ConsolePrincipal
from cuiot.entrypoints.http.deps import get_container, query

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

LATEST = 10
CHART_PAGES = 10  # at most 2,000 events of 30 days read for the chart
Person = Annotated[GetCaredPerson, Depends(query(GetCaredPerson, SqlCareViews))]
Devices = Annotated[ListDevices, Depends(query(ListDevices, SqlDeviceViews))]
Events = Annotated[ListEvents, Depends(query(ListEvents, SqlEventViews))]
Cover = Annotated[ReadCoverage, Depends(query(ReadCoverage, SqlCoverageViews))]


@router.get("/personas/{cared_person_id}")
async def person_page(cared_person_id: UUID, request: Request, principal: ConsolePrincipal,
                      get: Person, devices: Devices, events: Events, cover: Cover
                      ) -> Response:
    container = get_container(request)
    viewer, now, policy = viewer_of(principal), container.clock().now(), container.policy()
    person = await get(GetCaredPersonQuery(viewer, cared_person_id))
    owned = await devices(ListDevicesQuery(viewer, cared_person_id, Window(0, MAX_LIMIT)))
    latest = await events(ListEventsQuery(viewer, cared_person_id, window=Window(0, LATEST)))
    month = await _month_of_events(events, viewer, cared_person_id, now - timedelta(days=DAYS))
    thresholds = Thresholds.resolve(policy, person_thresholds=person.thresholds)
    coverage = await cover(CoverageQuery(viewer, cared_person_id))
    return render(
        request, "console/person.html", person=person, responder=person.responder_info,
        coverage=coverage_box(coverage, now),
        readings=reading_rows(latest[:LATEST], now), devices=device_rows(owned, now),
        chart=blood_pressure_chart(month, thresholds, now, ZoneInfo(policy.timezone)))


async def _month_of_events(events: ListEvents, viewer: Viewer, person: UUID,
                           since: datetime) -> list[EventView]:
    found: list[EventView] = []
    for page in range(CHART_PAGES):
        window = Window(page * MAX_LIMIT, MAX_LIMIT)
        batch = await events(ListEventsQuery(viewer, person, since=since, window=window))
        found += batch[:MAX_LIMIT]
        if len(batch) <= MAX_LIMIT:
            break
    return found
