"""/alerts: see the alerts of the people one may see, acknowledge (escalation stops) and
resolve them."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from cuiot.application.safety.commands.alerts import (
    AcknowledgeAlert,
    AlertCommand,
    GetAlert,
    ListAlerts,
    ListAlertsCommand,
    ResolveAlert,
)
from cuiot.application.safety.commands.telemetry import NameDevices, NameDevicesCommand
from cuiot.domain.alerts import Alert
from cuiot.entrypoints.http.deps import PageParams, Principal, use
from cuiot.entrypoints.http.safety.schemas import AlertOut, AlertStatusName, SeverityName
from cuiot.entrypoints.http.schemas import Page

router = APIRouter(prefix="/alerts", tags=["alerts"])
Names = Annotated[NameDevices, Depends(use(NameDevices))]


async def _out(alerts: list[Alert], principal: Principal, name: NameDevices) -> list[AlertOut]:
    device_ids = await name(NameDevicesCommand.of(principal.user_id, {a.device_pk for a in alerts}))
    return [AlertOut.of(a, device_ids) for a in alerts]


@router.get("", response_model=Page[AlertOut],
            summary="Alerts of the people one may see, newest first")
async def list_alerts(principal: Principal, page: PageParams, names: Names,
                      list_: Annotated[ListAlerts, Depends(use(ListAlerts))],
                      status: Annotated[AlertStatusName | None, Query()] = None,
                      severity: Annotated[SeverityName | None, Query()] = None,
                      cared_person_id: UUID | None = None) -> Page[AlertOut]:
    alerts = await list_(ListAlertsCommand(principal.user_id, status, severity, cared_person_id,
                                           page.offset, page.limit + 1))
    return Page.of(await _out(alerts, principal, names), page.offset, page.limit)


@router.get("/{alert_id}", response_model=AlertOut, summary="An alert")
async def get_alert(alert_id: UUID, principal: Principal, names: Names,
                    get: Annotated[GetAlert, Depends(use(GetAlert))]) -> AlertOut:
    alert = await get(AlertCommand(principal.user_id, alert_id))
    return (await _out([alert], principal, names))[0]


@router.post("/{alert_id}/acknowledge", response_model=AlertOut,
             summary="Someone is on it: escalation stops (twice is a conflict)")
async def acknowledge_alert(alert_id: UUID, principal: Principal, names: Names,
                            acknowledge: Annotated[AcknowledgeAlert,
                                                   Depends(use(AcknowledgeAlert))]) -> AlertOut:
    alert = await acknowledge(AlertCommand(principal.user_id, alert_id))
    return (await _out([alert], principal, names))[0]


@router.post("/{alert_id}/resolve", response_model=AlertOut,
             summary="Close an alert (acknowledging it if nobody had; twice is a conflict)")
async def resolve_alert(alert_id: UUID, principal: Principal, names: Names,
                        resolve: Annotated[ResolveAlert, Depends(use(ResolveAlert))]) -> AlertOut:
    alert = await resolve(AlertCommand(principal.user_id, alert_id))
    return (await _out([alert], principal, names))[0]
