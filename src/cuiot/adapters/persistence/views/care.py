"""Views of care: cared persons, institutions, representations and what the right to
contract needs. Each answer is one SQL statement with the access rule in it; child rows
(members and caregivers, staff) come outer-joined to their parent's row and are grouped
here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import groupby
from typing import Any
from uuid import UUID

from sqlalchemy import Row, Select, String, false, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.care import (
    cared_person_caregivers,
    cared_person_members,
    cared_persons,
    institution_staff,
    institutions,
)
from cuiot.adapters.persistence.orm.identity import users
from cuiot.adapters.persistence.views.access import in_force, visible_cared_persons
from cuiot.application.care.ports import (
    ActorCapacity,
    CaredPersonView,
    CaregiverInvitationView,
    CareRecordView,
    ContractingFacts,
    InForce,
    InstitutionView,
    PersonCapacity,
    RepresentationView,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.care import AssignmentStatus, CaregiverAssignment

cp = cared_persons.c
PERSON = (cp.id, cp.account_id, cp.user_id, cp.first_name, cp.last_name, cp.date_of_birth,
          cp.care_type, cp.capacity_status, cp.institution_id, cp.emergency_contacts,
          cp.thresholds, cp.last_activity_at, cp.created_at, cp.responder_info,
          cp.deactivated_at, cp.erased_at)
MEMBER, CAREGIVER = 0, 1

# Members and caregivers as one list of (person, kind, user, primary, status) rows: a page
# joins it once, so a person with m members and c caregivers is m + c rows, not m × c.
_m, _c = cared_person_members.c, cared_person_caregivers.c
CHILDREN = union_all(
    select(_m.cared_person_id, literal(MEMBER).label("kind"), _m.user_id.label("child_id"),
           false().label("is_primary"), literal(None, String).label("status")),
    select(_c.cared_person_id, literal(CAREGIVER), _c.caregiver_id, _c.is_primary, _c.status),
).subquery("children")


class SqlCareViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def cared_persons(self, viewer: Viewer, today: date,
                            window: Window) -> list[CaredPersonView]:
        chosen = (select(*PERSON).where(cp.id.in_(visible_cared_persons(viewer, today)))
                  .order_by(cp.created_at, cp.id)
                  .offset(window.offset).limit(window.limit + 1))
        return await self._with_children(chosen)

    async def cared_person(self, viewer: Viewer, today: date,
                           cared_person_id: UUID) -> CaredPersonView | None:
        found = await self._with_children(select(*PERSON).where(
            cp.id == cared_person_id, cp.id.in_(visible_cared_persons(viewer, today))))
        return found[0] if found else None

    async def _with_children(self, chosen: Select[Any]) -> list[CaredPersonView]:
        page, ch = chosen.subquery("page"), CHILDREN.c
        rows = (await self.conn.execute(
            select(page, ch.kind, ch.child_id, ch.is_primary, ch.status)
            .outerjoin(CHILDREN, ch.cared_person_id == page.c.id)
            .order_by(page.c.created_at, page.c.id, ch.kind, ch.is_primary.desc(),
                      ch.child_id))).all()
        return [_person(list(group)) for _, group in groupby(rows, key=lambda row: row.id)]

    async def caregiver_invitations(self, caregiver_id: UUID,
                                    window: Window) -> list[CaregiverInvitationView]:
        c, holder = cared_person_caregivers.c, users.c
        rows = (await self.conn.execute(
            select(cp.id, cp.first_name, cp.last_name, c.is_primary,
                   holder.first_name.label("holder_first"),
                   holder.last_name.label("holder_last"))
            .select_from(cared_person_caregivers
                         .join(cared_persons, cp.id == c.cared_person_id)
                         .join(users, holder.id == cp.account_id))
            .where(c.caregiver_id == caregiver_id, c.status == AssignmentStatus.PENDING)
            .order_by(cp.created_at, cp.id)
            .offset(window.offset).limit(window.limit + 1))).all()
        return [CaregiverInvitationView(
            cared_person_id=row.id, first_name=row.first_name, last_name=row.last_name,
            account_holder=f"{row.holder_first} {row.holder_last}", primary=row.is_primary)
            for row in rows]

    async def institution(self, viewer: Viewer, institution_id: UUID) -> InstitutionView | None:
        t, s = institutions.c, institution_staff.c
        sees = (t.admin_id == viewer.user_id) | t.id.in_(
            select(s.institution_id).where(s.user_id == viewer.user_id))
        rows = (await self.conn.execute(
            select(t.id, t.name, t.admin_id, t.email, t.phone, t.created_at, s.user_id,
                   s.on_call)
            .outerjoin(institution_staff, s.institution_id == t.id)
            .where(t.id == institution_id, *(() if viewer.is_admin else (sees,))))).all()
        return _institution(rows) if rows else None

    async def representation_in_force(self, viewer: Viewer, today: date,
                                      cared_person_id: UUID) -> InForce | None:
        r, current = in_force(today)
        row = (await self.conn.execute(
            select(cp.id.label("person"), *r.c)
            .select_from(cared_persons.outerjoin(r, (r.c.cared_person_id == cp.id) & current))
            .where(cp.id == cared_person_id,
                   cp.id.in_(visible_cared_persons(viewer, today))))).first()
        if row is None:
            return None
        return InForce(None if row.id is None else _representation(row))

    async def capacity_of_user(self, user_id: UUID) -> PersonCapacity | None:
        row = (await self.conn.execute(
            select(users.c.date_of_birth, users.c.capacity_status)
            .where(users.c.id == user_id))).first()
        return None if row is None else PersonCapacity(row.date_of_birth, row.capacity_status)

    async def capacity_of_cared_person(self, viewer: Viewer, today: date,
                                       cared_person_id: UUID) -> PersonCapacity | None:
        row = (await self.conn.execute(
            select(cp.date_of_birth, cp.capacity_status)
            .where(cp.id == cared_person_id,
                   cp.id.in_(visible_cared_persons(viewer, today))))).first()
        return None if row is None else PersonCapacity(row.date_of_birth, row.capacity_status)

    async def contracting_facts(self, viewer: Viewer, today: date, cared_person_id: UUID,
                                on_date: date) -> ContractingFacts | None:
        r, current = in_force(on_date)
        u = users.c
        row = (await self.conn.execute(
            select(cp.care_type, cp.user_id, cp.account_id, cp.date_of_birth,
                   cp.capacity_status, u.id.label("actor_id"),
                   u.date_of_birth.label("actor_born"),
                   u.capacity_status.label("actor_status"), r.c.representative_id)
            .select_from(cared_persons.join(users, u.id == viewer.user_id)
                         .outerjoin(r, (r.c.cared_person_id == cp.id) & current))
            .where(cp.id == cared_person_id,
                   cp.id.in_(visible_cared_persons(viewer, today))))).first()
        if row is None:
            return None
        return ContractingFacts(
            actor=ActorCapacity(row.actor_born, row.actor_status, id=row.actor_id),
            cared_person=CareRecordView(
                row.date_of_birth, row.capacity_status, care_type=row.care_type,
                user_id=row.user_id, account_id=row.account_id),
            representative_id=row.representative_id)


def _person(rows: Sequence[Row[Any]]) -> CaredPersonView:
    first = rows[0]
    return CaredPersonView(
        id=first.id, account_id=first.account_id, user_id=first.user_id,
        first_name=first.first_name, last_name=first.last_name,
        date_of_birth=first.date_of_birth, care_type=first.care_type,
        capacity_status=first.capacity_status, institution_id=first.institution_id,
        emergency_contacts=tuple(first.emergency_contacts), thresholds=first.thresholds,
        last_activity_at=first.last_activity_at, created_at=first.created_at,
        responder_info=first.responder_info, deactivated_at=first.deactivated_at,
        erased_at=first.erased_at,
        member_ids=frozenset(row.child_id for row in rows if row.kind == MEMBER),
        caregivers=tuple(CaregiverAssignment(row.child_id, bool(row.is_primary),
                                             AssignmentStatus(row.status))
                         for row in rows if row.kind == CAREGIVER))


def _institution(rows: Sequence[Any]) -> InstitutionView:
    first = rows[0]
    return InstitutionView(
        id=first.id, name=first.name, admin_id=first.admin_id, email=first.email,
        phone=first.phone, created_at=first.created_at,
        staff_ids=frozenset(row.user_id for row in rows if row.user_id is not None),
        on_call_ids=frozenset(row.user_id for row in rows if row.on_call))


def _representation(row: Row[Any]) -> RepresentationView:
    return RepresentationView(
        id=row.id, cared_person_id=row.cared_person_id,
        representative_id=row.representative_id, relationship=row.relationship,
        document_ref=row.document_ref, valid_from=row.valid_from, valid_until=row.valid_until,
        verified=row.verified, verified_by=row.verified_by, verified_at=row.verified_at,
        created_at=row.created_at, ended_at=row.ended_at, ended_by=row.ended_by)
