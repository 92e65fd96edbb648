"""Views of the safety pipeline: alerts and sensor events, each page or detail one SQL
statement with the access rule (``visible_cared_persons``) and the names of the person
and the device joined in; never a row lock.

A page is chosen on ``alerts`` or ``events`` alone (a subquery: filtered, ordered newest
first and cut to ``limit + 1`` rows through the indexes that lead with the person or the
device: ``alerts (cared_person_id, …)``, ``events (cared_person_id, timestamp)``,
``events (device_pk, timestamp)``; an admin's alerts, with no person to start from,
``alerts (created_at, id)``); only its rows are then joined to their names, by primary
key. ``tests/integration/test_views_explain.py`` checks the plans.

Each statement is built once per shape (admin or not, which filters are given) with the
viewer, the day and the filters as bound parameters: building it anew on every request
cost more than running it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from functools import cache
from typing import Any, cast
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Row,
    Select,
    Uuid,
    bindparam,
    exists,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.care import cared_persons
from cuiot.adapters.persistence.orm.safety import alerts, devices, events
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.access import visible_cared_persons
from cuiot.adapters.persistence.views.identity import SqlPrincipalViews
from cuiot.application.safety.ports import (
    AlertFilter,
    AlertView,
    DeviceLabel,
    EventFilter,
    EventView,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.ack_links import shown_recipient

a, e, d, cp = alerts.c, events.c, devices.c, cared_persons.c

ALERT_COLUMNS = (a.id, a.alert_type, a.severity, a.status, a.escalation_level, a.occurrences,
                 a.cared_person_id, a.device_pk, a.created_at, a.last_event_at,
                 a.acknowledged_at, a.acknowledged_by, a.resolved_at, a.resolved_by,
                 a.acknowledged_via, a.acknowledged_recipient)
EVENT_COLUMNS = (e.id, e.event_type, e.severity, e.device_pk, e.cared_person_id, e.timestamp,
                 e.received_at, e.sensor_data, e.alert_id)
NEWEST_ALERTS = (a.created_at.desc(), a.id.desc())
NEWEST_EVENTS = (e.timestamp.desc(), e.received_at.desc(), e.id.desc())

# The viewer of a built statement: its id and the day are bound when it runs.
_ANYONE = Viewer(cast(UUID, bindparam("viewer_id", type_=Uuid())))
_TODAY = cast(date, bindparam("today", type_=Date()))
_OFFSET, _LIMIT = bindparam("offset", type_=Integer()), bindparam("limit", type_=Integer())


def _seen_by(column: Any, admin: bool) -> list[ColumnElement[bool]]:
    """``column`` is a person the viewer may see (nothing to check for an admin)."""
    return [] if admin else [column.in_(visible_cared_persons(_ANYONE, _TODAY))]


def _viewing(viewer: Viewer, today: date, **more: Any) -> dict[str, Any]:
    return {"viewer_id": viewer.user_id, "today": today, **more}


def _paging(window: Window) -> dict[str, int]:
    return {"offset": window.offset, "limit": window.limit + 1}


class SqlAudienceViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def may_see_person(self, viewer: Viewer, cared_person_id: UUID, today: date) -> bool:
        found = await self.conn.scalar(_person_seen(viewer.is_admin),
                                       _viewing(viewer, today, person=cared_person_id))
        return bool(found)

    async def visible_person_ids(self, viewer: Viewer, today: date) -> frozenset[UUID]:
        rows = await self.conn.scalars(visible_cared_persons(viewer, today))
        return frozenset(cast("list[UUID]", rows.all()))


class SqlLiveAudience:
    """``LiveAudience``: every answer in a read transaction of its own."""

    def __init__(self, read_side: ReadSide) -> None:
        self.read_side = read_side

    async def viewer(self, user_id: UUID, now: datetime) -> Viewer | None:
        async with self.read_side.transaction() as conn:
            roles = await SqlPrincipalViews(conn).active_roles(user_id, now)
        return None if roles is None else Viewer.of(user_id, roles)

    async def visible_person_ids(self, viewer: Viewer, today: date) -> frozenset[UUID]:
        async with self.read_side.transaction() as conn:
            return await SqlAudienceViews(conn).visible_person_ids(viewer, today)

    async def may_see_person(self, viewer: Viewer, cared_person_id: UUID, today: date) -> bool:
        async with self.read_side.transaction() as conn:
            return await SqlAudienceViews(conn).may_see_person(viewer, cared_person_id, today)


class SqlAlertViews(SqlAudienceViews):
    async def page(self, viewer: Viewer, today: date, only: AlertFilter,
                   window: Window) -> list[AlertView]:
        given = {name: value for name, value in (
            ("person", only.cared_person_id), ("status", only.status),
            ("severity", only.severity)) if value is not None}
        stmt = _alert_page(viewer.is_admin, *(name in given for name in (
            "person", "status", "severity")))
        rows = await self.conn.execute(stmt, _viewing(viewer, today, **given, **_paging(window)))
        return [_alert(row) for row in rows]

    async def one(self, viewer: Viewer, today: date, alert_id: UUID) -> AlertView | None:
        rows = await self.conn.execute(_one_alert(viewer.is_admin),
                                       _viewing(viewer, today, alert_id=alert_id))
        row = rows.first()
        return _alert(row) if row is not None else None

    async def of_ids(self, alert_ids: Collection[UUID]) -> list[AlertView]:
        if not alert_ids:
            return []
        rows = await self.conn.execute(_alerts_of_ids(), {"ids": list(alert_ids)})
        return [_alert(row) for row in rows]

    async def label(self, device_pk: UUID) -> DeviceLabel | None:
        row = (await self.conn.execute(_label(), {"device_pk": device_pk})).first()
        return None if row is None else DeviceLabel(row.device_id, row.name,
                                                    f"{row.first_name} {row.last_name}")


class SqlEventViews(SqlAudienceViews):
    async def page(self, viewer: Viewer, today: date, only: EventFilter,
                   window: Window) -> list[EventView]:
        given = {name: value for name, value in (
            ("person", only.cared_person_id), ("severity", only.severity),
            ("since", only.since)) if value is not None}
        stmt = _event_page(viewer.is_admin, *(name in given for name in (
            "person", "severity", "since")))
        rows = await self.conn.execute(stmt, _viewing(viewer, today, **given, **_paging(window)))
        return [_event(row) for row in rows]

    async def of_device(self, viewer: Viewer, today: date, device_pk: UUID,
                        window: Window) -> list[EventView]:
        rows = await self.conn.execute(_device_events(viewer.is_admin), _viewing(
            viewer, today, device_pk=device_pk, **_paging(window)))
        return [_event(row) for row in rows]

    async def may_see_device(self, viewer: Viewer, device_pk: UUID, today: date) -> bool:
        found = await self.conn.scalar(_device_seen(viewer.is_admin),
                                       _viewing(viewer, today, device_pk=device_pk))
        return bool(found)


# -- the statements, one per shape -------------------------------------------------------

@cache
def _alert_page(admin: bool, person: bool, status: bool, severity: bool) -> Select[Any]:
    wanted = _seen_by(a.cared_person_id, admin)
    if person:
        wanted.append(a.cared_person_id == bindparam("person"))
    if status:
        wanted.append(a.status == bindparam("status"))
    if severity:
        wanted.append(a.severity == bindparam("severity"))
    return _named_alerts(select(*ALERT_COLUMNS).where(*wanted).order_by(*NEWEST_ALERTS)
                         .offset(_OFFSET).limit(_LIMIT))


@cache
def _one_alert(admin: bool) -> Select[Any]:
    return _named_alerts(select(*ALERT_COLUMNS).where(
        a.id == bindparam("alert_id"), *_seen_by(a.cared_person_id, admin)).limit(1))


@cache
def _alerts_of_ids() -> Select[Any]:
    return _named_alerts(select(*ALERT_COLUMNS).where(
        a.id.in_(bindparam("ids", expanding=True))))


def _named_alerts(chosen: Select[Any]) -> Select[Any]:
    """The chosen alerts, then their person's and device's names, each looked up by
    primary key for the page's rows only (a join let the planner hash whole tables)."""
    page = chosen.subquery("page")
    person = (select(cp.first_name + " " + cp.last_name)
              .where(cp.id == page.c.cared_person_id).scalar_subquery())
    device = select(d.device_id).where(d.id == page.c.device_pk).scalar_subquery()
    name = select(d.name).where(d.id == page.c.device_pk).scalar_subquery()
    return (select(page, person.label("person_name"), device.label("device_id"),
                   name.label("device_name"))
            .order_by(page.c.created_at.desc(), page.c.id.desc()))


@cache
def _label() -> Select[Any]:
    return (select(d.device_id, d.name, cp.first_name, cp.last_name)
            .join(cared_persons, cp.id == d.cared_person_id)
            .where(d.id == bindparam("device_pk")))


@cache
def _event_page(admin: bool, person: bool, severity: bool, since: bool) -> Select[Any]:
    wanted = _seen_by(e.cared_person_id, admin)
    if person:
        wanted.append(e.cared_person_id == bindparam("person"))
    if severity:
        wanted.append(e.severity == bindparam("severity"))
    if since:
        wanted.append(e.timestamp >= bindparam("since"))
    return _named_events(wanted)


@cache
def _device_events(admin: bool) -> Select[Any]:
    return _named_events([e.device_pk == bindparam("device_pk"),
                          *_seen_by(e.cared_person_id, admin)])


def _named_events(wanted: list[ColumnElement[bool]]) -> Select[Any]:
    """A page of events, then their device's registered id and name and their person's
    name, each looked up by primary key."""
    page = (select(*EVENT_COLUMNS).where(*wanted).order_by(*NEWEST_EVENTS)
            .offset(_OFFSET).limit(_LIMIT).subquery("page"))
    device = select(d.device_id).where(d.id == page.c.device_pk).scalar_subquery()
    name = select(d.name).where(d.id == page.c.device_pk).scalar_subquery()
    person = (select(cp.first_name + " " + cp.last_name)
              .where(cp.id == page.c.cared_person_id).scalar_subquery())
    return (select(page, device.label("device_id"), name.label("device_name"),
                   person.label("person_name"))
            .order_by(page.c.timestamp.desc(), page.c.received_at.desc(), page.c.id.desc()))


@cache
def _person_seen(admin: bool) -> Select[Any]:
    return select(exists(select(cp.id).where(cp.id == bindparam("person"),
                                             *_seen_by(cp.id, admin))))


@cache
def _device_seen(admin: bool) -> Select[Any]:
    return select(exists(select(d.id).where(d.id == bindparam("device_pk"),
                                            *_seen_by(d.cared_person_id, admin))))


def _alert(row: Row[Any]) -> AlertView:
    # Unpacked by position (ALERT_COLUMNS, then the names): a page has up to 201 rows.
    (id_, alert_type, severity, status, level, occurrences, person, device_pk, created_at,
     last_event_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, via,
     recipient, person_name, device_id, device_name) = tuple(row)
    return AlertView(id_, alert_type, severity, status, level, occurrences, person,
                     person_name, device_pk, device_id, device_name,
                     created_at, last_event_at, acknowledged_at, acknowledged_by,
                     resolved_at, resolved_by, via, shown_recipient(via, recipient))


def _event(row: Row[Any]) -> EventView:
    return EventView(
        id=row.id, event_type=row.event_type, severity=row.severity, device_pk=row.device_pk,
        device_id=row.device_id, cared_person_id=row.cared_person_id, timestamp=row.timestamp,
        received_at=row.received_at, sensor_data=row.sensor_data, alert_id=row.alert_id,
        device_name=row.device_name, cared_person_name=row.person_name)
