"""The console's live alerts: the page, the fragments its script asks for when the
stream names an alert, each alert's own page (its deliveries, and what a responder needs
to know of the person), and the two actions, through the same queries and use cases as
``/api/v1/alerts`` (so escalation stops exactly as over HTTP)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response

from cuiot.adapters.persistence.views.acknowledgers import SqlAcknowledgerViews
from cuiot.adapters.persistence.views.care import SqlCareViews
from cuiot.adapters.persistence.views.deliveries import SqlDeliveryViews
from cuiot.adapters.persistence.views.safety import SqlAlertViews
from cuiot.application.care.queries.persons import (
    GetCaredPerson,
    GetCaredPersonQuery,
    ListCaredPersons,
    ListCaredPersonsQuery,
)
from cuiot.application.identity.queries.authenticate import Principal
from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand, ResolveAlert
from cuiot.application.safety.ports import AlertView
from cuiot.application.safety.queries.acknowledgers import AcknowledgersQuery, ReadAcknowledgers
from cuiot.application.safety.queries.alerts import (
    GetAlert,
    GetAlertQuery,
    ListAlerts,
    ListAlertsQuery,
    ShowAlert,
)
from cuiot.application.safety.queries.deliveries import ListDeliveries, ListDeliveriesQuery
from cuiot.application.shared.queries import MAX_LIMIT, Viewer, Window
from cuiot.entrypoints.http.console.csrf import checked_form
from cuiot.entrypoints.http.console.deliveries import delivery_rows
from cuiot.entrypoints.http.console.pages import ConsoleRoute, back_to, render, wants_fragment
from cuiot.entrypoints.http.console.presenters import AlertRow, alert_rows
from cuiot.entrypoints.http.console.session import ConsolePrincipal
from cuiot.entrypoints.http.deps import get_container, query, use

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

SHOWN = 100  # the newest alerts the page holds; the stream adds the ones after
List = Annotated[ListAlerts, Depends(query(ListAlerts, SqlAlertViews))]
Get = Annotated[GetAlert, Depends(query(GetAlert, SqlAlertViews))]
Show = Annotated[ShowAlert, Depends(query(ShowAlert, SqlAlertViews))]
Names = Annotated[ReadAcknowledgers, Depends(query(ReadAcknowledgers, SqlAcknowledgerViews))]
Persons = Annotated[ListCaredPersons, Depends(query(ListCaredPersons, SqlCareViews))]
Person = Annotated[GetCaredPerson, Depends(query(GetCaredPerson, SqlCareViews))]
Told = Annotated[ListDeliveries, Depends(query(ListDeliveries, SqlDeliveryViews))]
Acknowledge = Annotated[AcknowledgeAlert, Depends(use(AcknowledgeAlert))]
Resolve = Annotated[ResolveAlert, Depends(use(ResolveAlert))]


def viewer_of(principal: Principal) -> Viewer:
    return Viewer.of(principal.user_id, principal.roles)


async def rows(request: Request, principal: Principal, names: ReadAcknowledgers,
               alerts: list[AlertView]) -> list[AlertRow]:
    who = await names(AcknowledgersQuery(viewer_of(principal), tuple(a.id for a in alerts)))
    return alert_rows(alerts, who, principal.user_id, get_container(request).clock().now())


@router.get("")
async def alerts_page(request: Request, principal: ConsolePrincipal, list_: List,
                      names: Names, persons: Persons) -> Response:
    viewer = viewer_of(principal)
    found = await list_(ListAlertsQuery(viewer, window=Window(0, SHOWN)))
    people = await persons(ListCaredPersonsQuery(viewer, Window(0, SHOWN)))
    return render(request, "console/alerts.html", rows=await rows(
        request, principal, names, found[:SHOWN]), persons=people[:SHOWN])


@router.get("/alertas")
async def alert_list(request: Request, principal: ConsolePrincipal, list_: List,
                     names: Names) -> Response:
    """The page's rows again: the script reloads them when the stream (re)connects."""
    found = await list_(ListAlertsQuery(viewer_of(principal), window=Window(0, SHOWN)))
    return render(request, "console/_alert_rows.html",
                  rows=await rows(request, principal, names, found[:SHOWN]))


@router.get("/alertas/{alert_id}")
async def alert_page(alert_id: UUID, request: Request, principal: ConsolePrincipal,
                     get: Get, names: Names, told: Told, person: Person) -> Response:
    """The alert's row to the page's script; to a reader, the alert's own page."""
    viewer = viewer_of(principal)
    alert = await get(GetAlertQuery(viewer, alert_id))
    if wants_fragment(request):
        return await _row(request, principal, names, alert)
    deliveries = await told(ListDeliveriesQuery(viewer, alert_id, Window(0, MAX_LIMIT)))
    cared = await person(GetCaredPersonQuery(viewer, alert.cared_person_id))
    (row,) = await rows(request, principal, names, [alert])
    zone = ZoneInfo(get_container(request).policy().timezone)
    return render(request, "console/alert.html", row=row, responder=cared.responder_info,
                  deliveries=delivery_rows(deliveries[:MAX_LIMIT], zone),
                  more_deliveries=len(deliveries) > MAX_LIMIT)


@router.post("/alertas/{alert_id}/atender")
async def acknowledge(alert_id: UUID, request: Request, principal: ConsolePrincipal,
                      acknowledge_: Acknowledge, show: Show, names: Names) -> Response:
    form = await checked_form(request)
    alert = await acknowledge_(AlertCommand(principal.user_id, alert_id))
    return await _answer(request, principal, names, await show(alert), form)


@router.post("/alertas/{alert_id}/resolver")
async def resolve(alert_id: UUID, request: Request, principal: ConsolePrincipal,
                  resolve_: Resolve, show: Show, names: Names) -> Response:
    form = await checked_form(request)
    alert = await resolve_(AlertCommand(principal.user_id, alert_id))
    return await _answer(request, principal, names, await show(alert), form)


async def _answer(request: Request, principal: Principal, names: ReadAcknowledgers,
                  alert: AlertView, form: dict[str, str]) -> Response:
    """The changed row to the page's script; without script, the page the form was on
    again (the alert's own, or the list)."""
    if wants_fragment(request):
        return await _row(request, principal, names, alert)
    mine = form.get("volver") == "alerta"
    return back_to(f"/console/alertas/{alert.id}" if mine else "/console")


async def _row(request: Request, principal: Principal, names: ReadAcknowledgers,
               alert: AlertView) -> Response:
    (row,) = await rows(request, principal, names, [alert])
    return render(request, "console/_alert_row.html", row=row)
