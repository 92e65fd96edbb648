"""The admin's view of the audit log: one SQL statement per page, never a row lock.

A page is chosen on ``audit_log`` alone (a subquery: filtered, newest first, cut to
``limit + 1`` rows through the index that leads with the filter given: actor, action,
subject, kind of subject, or time). Only its rows are then joined, by primary key, to
the names they speak of: the actor's name and email, and the subject's label (a user's
or a cared person's name; an alert's type and person; the person a representation is
for; an invoice's number; a package's name; the referrer a commission is owed to). A
subject that is gone has no label; its id stays.

Each statement is built once per shape (which filters are given), the filters bound
when it runs, as ``views/safety.py`` does."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Row, Select, Uuid, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.audit import audit_log
from cuiot.adapters.persistence.orm.billing import billing_records, packages
from cuiot.adapters.persistence.orm.care import cared_persons, legal_representations
from cuiot.adapters.persistence.orm.identity import users
from cuiot.adapters.persistence.orm.referrals import referral_commissions
from cuiot.adapters.persistence.orm.safety import alerts
from cuiot.adapters.persistence.types import UtcDateTime
from cuiot.application.audit.ports import AuditEntryView, AuditFilters
from cuiot.application.shared.queries import Window
from cuiot.domain.audit import SubjectType
from cuiot.domain.labels import alert_type_label

log = audit_log.c
_OFFSET, _LIMIT = bindparam("offset", type_=Integer()), bindparam("limit", type_=Integer())

actor = users.alias("actor")
subject_user = users.alias("subject_user")
referrer = users.alias("referrer")
alert_person = cared_persons.alias("alert_person")
represented = cared_persons.alias("represented")
subject_person = cared_persons.alias("subject_person")

# Which filters a statement has: actor, action, kind of subject, subject (None, "one" id
# or a "range" of them), since, until.
Shape = tuple[bool, bool, bool, str | None, bool, bool]


def _shape(f: AuditFilters) -> Shape:
    subject = None if f.subject_ids is None else (
        "one" if f.subject_ids[0] == f.subject_ids[1] else "range")
    return (f.actor_id is not None, f.action is not None, f.subject_type is not None,
            subject, f.since is not None, f.until is not None)


def _conditions(shape: Shape) -> list[ColumnElement[bool]]:
    by_actor, by_action, by_type, subject, since, until = shape
    found: list[ColumnElement[bool]] = []
    if by_actor:
        found.append(log.actor_id == bindparam("actor_id", type_=Uuid()))
    if by_action:
        found.append(log.action == bindparam("action"))
    if by_type:
        found.append(log.subject_type == bindparam("subject_type"))
    if subject == "one":
        found.append(log.subject_id == bindparam("subject_low", type_=Uuid()))
    elif subject == "range":
        found.append(log.subject_id.between(bindparam("subject_low", type_=Uuid()),
                                            bindparam("subject_high", type_=Uuid())))
    if since:
        found.append(log.at >= bindparam("since", type_=UtcDateTime()))
    if until:
        found.append(log.at < bindparam("until", type_=UtcDateTime()))
    return found


def _about(kind: SubjectType, page: Any, key: ColumnElement[Any]) -> ColumnElement[bool]:
    """The page's entry is about the row whose primary key is ``key``."""
    same_kind: ColumnElement[bool] = page.c.subject_type == kind
    same_row: ColumnElement[bool] = key == page.c.subject_id
    return same_kind & same_row


@cache
def _statement(shape: Shape) -> Select[Any]:
    page = (select(audit_log).where(*_conditions(shape))
            .order_by(log.at.desc(), log.id.desc()).offset(_OFFSET).limit(_LIMIT)
            .subquery("page"))
    rep, inv, pkg = legal_representations.c, billing_records.c, packages.c
    commission = referral_commissions.c
    return (
        select(page,
               actor.c.first_name.label("actor_first"), actor.c.last_name.label("actor_last"),
               actor.c.email.label("actor_email"),
               subject_user.c.first_name.label("user_first"),
               subject_user.c.last_name.label("user_last"),
               alerts.c.alert_type, alert_person.c.first_name.label("alert_first"),
               alert_person.c.last_name.label("alert_last"),
               represented.c.first_name.label("represented_first"),
               represented.c.last_name.label("represented_last"),
               inv.number.label("invoice_number"), pkg.name.label("package_name"),
               referrer.c.first_name.label("referrer_first"),
               referrer.c.last_name.label("referrer_last"),
               subject_person.c.first_name.label("person_first"),
               subject_person.c.last_name.label("person_last"))
        .outerjoin(actor, actor.c.id == page.c.actor_id)
        .outerjoin(subject_user, _about(SubjectType.USER, page, subject_user.c.id))
        .outerjoin(alerts, _about(SubjectType.ALERT, page, alerts.c.id))
        .outerjoin(alert_person, alert_person.c.id == alerts.c.cared_person_id)
        .outerjoin(legal_representations,
                   _about(SubjectType.REPRESENTATION, page, rep.id))
        .outerjoin(represented, represented.c.id == rep.cared_person_id)
        .outerjoin(billing_records, _about(SubjectType.INVOICE, page, inv.id))
        .outerjoin(packages, _about(SubjectType.PACKAGE, page, pkg.id))
        .outerjoin(referral_commissions, _about(SubjectType.COMMISSION, page, commission.id))
        .outerjoin(referrer, referrer.c.id == commission.referrer_id)
        .outerjoin(subject_person,
                   _about(SubjectType.CARED_PERSON, page, subject_person.c.id))
        .order_by(page.c.at.desc(), page.c.id.desc()))


def _bound(f: AuditFilters, window: Window) -> dict[str, Any]:
    low, high = f.subject_ids or (None, None)
    values = {"actor_id": f.actor_id, "action": f.action, "subject_type": f.subject_type,
              "subject_low": low, "subject_high": high, "since": f.since, "until": f.until}
    return {k: v for k, v in values.items() if v is not None} | {
        "offset": window.offset, "limit": window.limit + 1}


class SqlAuditViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def page(self, filters: AuditFilters, window: Window) -> list[AuditEntryView]:
        rows = await self.conn.execute(_statement(_shape(filters)), _bound(filters, window))
        return [_entry(row) for row in rows]


def _name(first: str | None, last: str | None) -> str | None:
    return None if first is None else f"{first} {last}"


def _label(row: Row[Any]) -> str | None:
    kind = row.subject_type
    if kind is SubjectType.ALERT:
        return None if row.alert_type is None else (
            f"{alert_type_label(row.alert_type)} · {_name(row.alert_first, row.alert_last)}")
    if kind is SubjectType.INVOICE:
        return str(row.invoice_number) if row.invoice_number else None
    if kind is SubjectType.PACKAGE:
        return str(row.package_name) if row.package_name else None
    first, last = {SubjectType.USER: (row.user_first, row.user_last),
                   SubjectType.REPRESENTATION: (row.represented_first, row.represented_last),
                   SubjectType.COMMISSION: (row.referrer_first, row.referrer_last),
                   SubjectType.CARED_PERSON: (row.person_first, row.person_last),
                   }.get(kind, (None, None))
    return _name(first, last)


def _entry(row: Row[Any]) -> AuditEntryView:
    return AuditEntryView(
        id=row.id, at=row.at, action=row.action, actor_id=row.actor_id,
        actor_name=_name(row.actor_first, row.actor_last), actor_email=row.actor_email,
        subject_type=row.subject_type, subject_id=row.subject_id, subject_label=_label(row),
        details=dict(row.details))
