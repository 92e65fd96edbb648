"""``cuiot alerts`` and ``cuiot devices``: the safety pipeline, seen by an admin."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import typer

from cuiot.adapters.persistence.views.devices import SqlDeviceViews
from cuiot.adapters.persistence.views.safety import SqlAlertViews
from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand, ResolveAlert
from cuiot.application.safety.ports import AlertView, DeviceView
from cuiot.application.safety.queries.alerts import ListAlerts, ListAlertsQuery, ShowAlert
from cuiot.application.safety.queries.devices import ListDevices, ListDevicesQuery
from cuiot.application.shared.id_prefixes import IdKind
from cuiot.application.shared.queries import Viewer
from cuiot.domain.alerts import Alert
from cuiot.domain.labels import alert_status_label, alert_type_label, severity_label
from cuiot.entrypoints.cli.arguments import LIMIT, OFFSET, full_id, id_argument, window
from cuiot.entrypoints.cli.output import Labels, Page, emit, emit_one
from cuiot.entrypoints.cli.runtime import admin_actor, run
from cuiot.entrypoints.cli.users import AS_ADMIN, JSON
from cuiot.entrypoints.container import Container, use_case

alerts_app = typer.Typer(help="Alerts and their escalation.", no_args_is_help=True)
devices_app = typer.Typer(help="Devices in the homes.", no_args_is_help=True)

ALERT_COLUMNS = {"id": "id", "created_at": "created", "alert_type": "type",
                 "severity": "severity", "status": "status", "escalation_level": "level",
                 "cared_person": "person", "device_name": "device"}
ALERT_LABELS: Labels = {"alert_type": alert_type_label, "severity": severity_label,
                        "status": alert_status_label}
ALERT_ID = id_argument(IdKind.ALERT)
DEVICE_COLUMNS = {"id": "id", "device_id": "device id", "name": "name", "status": "status",
                  "battery_level": "battery", "last_seen_at": "last seen"}


def alert_row(a: AlertView) -> dict[str, Any]:
    return {"id": a.id, "alert_type": a.alert_type, "severity": a.severity, "status": a.status,
            "escalation_level": a.escalation_level, "occurrences": a.occurrences,
            "cared_person_id": a.cared_person_id, "cared_person": a.cared_person_name,
            "device_pk": a.device_pk, "device_id": a.device_id, "device_name": a.device_name,
            "created_at": a.created_at,
            "acknowledged_at": a.acknowledged_at, "resolved_at": a.resolved_at}


async def shown(c: Container, alert: Alert) -> dict[str, Any]:
    """An alert a command returned, with its person's and device's names."""
    async with c.read_side().transaction() as conn:
        return alert_row(await ShowAlert(SqlAlertViews(conn), clock=c.clock())(alert))


def device_row(d: DeviceView) -> dict[str, Any]:
    return {"id": d.id, "device_id": d.device_id, "name": d.name, "device_type": d.device_type,
            "cared_person_id": d.cared_person_id, "status": d.status,
            "battery_level": d.battery_level, "last_seen_at": d.last_seen_at,
            "active": d.is_active}


@alerts_app.command("list")
def list_alerts(status: str | None = typer.Option(
                    None, help="pending, sent, acknowledged, resolved or unhandled"),
                severity: str | None = typer.Option(None, help="medium, high or critical"),
                cared_person: UUID | None = typer.Option(None, "--cared-person"),
                offset: int = OFFSET, limit: int = LIMIT,
                as_: str | None = AS_ADMIN, json_: bool = JSON) -> None:
    """Alerts, newest first."""
    page = window(offset, limit)

    async def work(c: Container) -> Page:
        actor = await admin_actor(c, as_)  # an active admin
        query = ListAlertsQuery(Viewer(actor, is_admin=True), status, severity, cared_person,
                                page)
        async with c.read_side().transaction() as conn:
            alerts = await ListAlerts(SqlAlertViews(conn), clock=c.clock())(query)
        return Page.of([alert_row(a) for a in alerts], page)

    emit(run(work), ALERT_COLUMNS, json_, "Alerts", ALERT_LABELS)


@alerts_app.command("ack")
def acknowledge(alert_id: str = ALERT_ID, as_: str | None = AS_ADMIN,
                json_: bool = JSON) -> None:
    """Acknowledge an alert: its escalation stops."""

    async def work(c: Container) -> dict[str, Any]:
        actor = await admin_actor(c, as_)
        command = AlertCommand(actor, await full_id(c, IdKind.ALERT, alert_id))
        return await shown(c, await use_case(c, AcknowledgeAlert)(command))

    emit_one(run(work), json_, "Alert acknowledged", ALERT_LABELS)


@alerts_app.command("resolve")
def resolve(alert_id: str = ALERT_ID, as_: str | None = AS_ADMIN, json_: bool = JSON) -> None:
    """Resolve an alert (acknowledging it if nobody had)."""

    async def work(c: Container) -> dict[str, Any]:
        actor = await admin_actor(c, as_)
        command = AlertCommand(actor, await full_id(c, IdKind.ALERT, alert_id))
        return await shown(c, await use_case(c, ResolveAlert)(command))

    emit_one(run(work), json_, "Alert resolved", ALERT_LABELS)


@devices_app.command("list")
def list_devices(cared_person: UUID | None = typer.Option(None, "--cared-person"),
                 offset: int = OFFSET, limit: int = LIMIT,
                 as_: str | None = AS_ADMIN, json_: bool = JSON) -> None:
    """Registered devices."""
    page = window(offset, limit)

    async def work(c: Container) -> Page:
        viewer = Viewer(await admin_actor(c, as_), is_admin=True)
        query = ListDevicesQuery(viewer, cared_person, page)
        async with c.read_side().transaction() as conn:
            found = await ListDevices(SqlDeviceViews(conn), clock=c.clock())(query)
        return Page.of([device_row(d) for d in found], page)

    emit(run(work), DEVICE_COLUMNS, json_, "Devices")
