"""The view of a cared person's coverage: what ``domain/coverage.assess`` looks at, read
in one statement, with no row lock. ``commands/coverage.py`` gathers the same through
the unit of work (level 1 through ``recipients.Directory``);
``tests/integration/test_coverage.py`` checks that both agree on the same stored data.

The statement is a ``UNION ALL`` of three kinds of rows, told apart by ``kind``:

- ``person``: the person, if the viewer may see them (the access rule of
  ``access.visible_cared_persons``), with the counts of the notifications of their alerts
  created in the window, delivered and undelivered (``delivery_sums``);
- ``device``: each active device (type, status, battery), oldest registration first;
- ``responder``: each active user on level 1 of the ladder (``_level_one``).

With no ``person`` row the viewer may not see the person, and the rest is dropped.
"""

from __future__ import annotations

import typing
from datetime import date, datetime
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    Uuid,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.care import cared_person_caregivers, cared_persons
from cuiot.adapters.persistence.orm.identity import users
from cuiot.adapters.persistence.orm.safety import alerts, devices, notifications
from cuiot.adapters.persistence.types import UtcDateTime
from cuiot.adapters.persistence.views.access import in_force, visible_cared_persons
from cuiot.application.shared.queries import Viewer
from cuiot.domain.care import AssignmentStatus, CareType
from cuiot.domain.coverage import CoverageInputs, Deliveries, Responder, WatchingDevice
from cuiot.domain.devices import DeviceStatus
from cuiot.domain.notifications import Channel, DeliveryStatus
from cuiot.domain.sensor_events import DeviceType

a, n, cp, d, u = alerts.c, notifications.c, cared_persons.c, devices.c, users.c

# A notification done with: delivered to someone, or not (given up, or sent only to the
# operators' log because nobody at all was there to tell).
_TO_THE_LOG = and_(n.status == DeliveryStatus.SENT, n.channel == Channel.LOG)
DELIVERED = case((and_(n.status == DeliveryStatus.SENT, n.channel != Channel.LOG), 1), else_=0)
UNDELIVERED = case((or_(n.status == DeliveryStatus.FAILED, _TO_THE_LOG), 1), else_=0)


def delivery_sums(wanted: ColumnElement[bool], since: datetime) -> Select[Any]:
    """The notifications created since ``since`` of the alerts ``wanted`` picks: how many
    were delivered, how many not (one row; group it for one row per person)."""
    return (select(func.coalesce(func.sum(DELIVERED), 0).label("delivered"),
                   func.coalesce(func.sum(UNDELIVERED), 0).label("undelivered"))
            .select_from(alerts.join(notifications, n.alert_id == a.id))
            .where(wanted, n.created_at >= since))


def _level_one(person: Any, today: Any) -> Any:
    """The user ids level 1 names (``Directory.at_level(person, 1)`` before it keeps the
    active users): the person who cares for themselves, the representative in force, the
    primary caregiver who accepted."""
    caring = cared_person_caregivers.c
    represented, rep_in_force = in_force(today)
    return union(
        select(func.coalesce(cp.user_id, cp.account_id)).where(
            cp.id == person, cp.care_type == CareType.SELF_CARE),
        select(represented.c.representative_id).where(
            represented.c.cared_person_id == person, rep_in_force),
        select(caring.caregiver_id).where(
            caring.cared_person_id == person, caring.is_primary.is_(true()),
            caring.status == AssignmentStatus.ACCEPTED))


def _text(value: Any = None) -> ColumnElement[Any]:
    return cast(null() if value is None else value, String)


def _number(value: Any = None) -> ColumnElement[Any]:
    return cast(null() if value is None else value, Integer)


# Built once per shape (an admin or not), with the person, the viewer, the day and the
# start of the window bound when it runs (as ``views/safety.py`` does).
_PERSON = bindparam("person", type_=Uuid())
_TODAY = typing.cast(date, bindparam("today", type_=Date()))
_SINCE = typing.cast(datetime, bindparam("since", type_=UtcDateTime()))
_ANYONE = Viewer(typing.cast(UUID, bindparam("viewer_id", type_=Uuid())))


@cache
def _inputs(admin: bool) -> Select[Any]:
    sums = delivery_sums(a.cared_person_id == _PERSON, _SINCE).subquery("sums")
    seen = [] if admin else [cp.id.in_(visible_cared_persons(_ANYONE, _TODAY))]
    no_time = cast(null(), UtcDateTime)
    rows = union_all(
        select(literal("person").label("kind"), cp.id.label("id"),
               (cp.first_name + " " + cp.last_name).label("name"), _text().label("text_1"),
               _text().label("text_2"), _number(sums.c.delivered).label("number_1"),
               _number(sums.c.undelivered).label("number_2"), no_time.label("registered_at"))
        .select_from(cared_persons.join(sums, true()))
        .where(cp.id == _PERSON, *seen),
        select(literal("device"), d.id, d.name, _text(d.device_type), _text(d.status),
               _number(d.battery_level), _number(), d.created_at)
        .where(d.cared_person_id == _PERSON, d.is_active.is_(true())),
        select(literal("responder"), u.id, u.first_name + " " + u.last_name, _text(u.email),
               _text(u.phone), _number(), _number(), no_time)
        .where(u.id.in_(_level_one(_PERSON, _TODAY)), u.is_active.is_(true())),
    ).subquery("coverage")
    c = rows.c
    return select(rows).order_by(c.kind, c.registered_at, c.id)


class SqlCoverageViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def inputs(self, viewer: Viewer, cared_person_id: UUID, today: date,
                     since: datetime) -> CoverageInputs | None:
        rows = (await self.conn.execute(_inputs(viewer.is_admin), {
            "person": cared_person_id, "viewer_id": viewer.user_id, "today": today,
            "since": since})).all()
        person = next((r for r in rows if r.kind == "person"), None)
        if person is None:
            return None
        return CoverageInputs(
            cared_person_id=person.id, cared_person_name=person.name,
            devices=tuple(WatchingDevice(r.id, r.name, DeviceType(r.text_1),
                                         DeviceStatus(r.text_2), r.number_1)
                          for r in rows if r.kind == "device"),
            level_one=tuple(Responder(r.id, r.name, r.text_1, r.text_2)
                            for r in rows if r.kind == "responder"),
            deliveries=Deliveries(person.number_1, person.number_2))
