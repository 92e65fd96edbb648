"""/alerts: see the alerts of the people one may see and who was told of each (queries:
one SQL statement each), acknowledge (escalation stops) and resolve them (commands)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from cuiot.adapters.persistence.views.deliveries import SqlDeliveryViews
from cuiot.adapters.persistence.views.safety import SqlAlertViews
from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand, ResolveAlert
from cuiot.application.safety.queries.alerts import (
    GetAlert,
    GetAlertQuery,
    ListAlerts,
    ListAlertsQuery,
    ShowAlert,
)
from cuiot.application.safety.queries.deliveries import ListDeliveries, ListDeliveriesQuery
from cuiot.application.shared.queries import Viewer, Window
from cuiot.entrypoints.http.deps import PageParams, Principal, query, use
from cuiot.entrypoints.http.safety.schemas import (
    AlertOut,
    AlertStatusName,
    DeliveryOut,
    SeverityName,
)
from cuiot.entrypoints.http.schemas import Page

router = APIRouter(prefix="/alerts", tags=["alerts"])
Show = Annotated[ShowAlert, Depends(query(ShowAlert, SqlAlertViews))]


@router.get("", response_model=Page[AlertOut],
            summary="Alerts of the people one may see, newest first")
async def list_alerts(principal: Principal, page: PageParams,
                      list_: Annotated[ListAlerts, Depends(query(ListAlerts, SqlAlertViews))],
                      status: Annotated[AlertStatusName | None, Query()] = None,
                      severity: Annotated[SeverityName | None, Query()] = None,
                      cared_person_id: UUID | None = None) -> Response:
    viewer = Viewer.of(principal.user_id, principal.roles)
    alerts = await list_(ListAlertsQuery(viewer, status, severity, cared_person_id,
                                         Window(page.offset, page.limit)))
    return Page[AlertOut].response([AlertOut.of(a) for a in alerts], page.offset, page.limit)


@router.get("/{alert_id}", response_model=AlertOut, summary="An alert")
async def get_alert(alert_id: UUID, principal: Principal,
                    get: Annotated[GetAlert, Depends(query(GetAlert, SqlAlertViews))]
                    ) -> AlertOut:
    viewer = Viewer.of(principal.user_id, principal.roles)
    return AlertOut.of(await get(GetAlertQuery(viewer, alert_id)))


@router.get("/{alert_id}/notifications", response_model=Page[DeliveryOut],
            summary="Who was told of an alert, by which channel, and whether it got there "
                    "(oldest first; addresses masked)")
async def alert_deliveries(alert_id: UUID, principal: Principal, page: PageParams,
                           list_: Annotated[ListDeliveries,
                                            Depends(query(ListDeliveries, SqlDeliveryViews))],
                           ) -> Response:
    viewer = Viewer.of(principal.user_id, principal.roles)
    rows = await list_(ListDeliveriesQuery(viewer, alert_id, Window(page.offset, page.limit)))
    return Page[DeliveryOut].response([DeliveryOut.of(r) for r in rows], page.offset,
                                      page.limit)


@router.post("/{alert_id}/acknowledge", response_model=AlertOut,
             summary="Someone is on it: escalation stops (twice is a conflict)")
async def acknowledge_alert(alert_id: UUID, principal: Principal, show: Show,
                            acknowledge: Annotated[AcknowledgeAlert,
                                                   Depends(use(AcknowledgeAlert))]) -> AlertOut:
    alert = await acknowledge(AlertCommand(principal.user_id, alert_id))
    return AlertOut.of(await show(alert))


@router.post("/{alert_id}/resolve", response_model=AlertOut,
             summary="Close an alert (acknowledging it if nobody had; twice is a conflict)")
async def resolve_alert(alert_id: UUID, principal: Principal, show: Show,
                        resolve: Annotated[ResolveAlert, Depends(use(ResolveAlert))]) -> AlertOut:
    alert = await resolve(AlertCommand(principal.user_id, alert_id))
    return AlertOut.of(await show(alert))
