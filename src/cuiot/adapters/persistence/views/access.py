"""The access rule of ``application/shared/access.py`` ("the persons this user may see")
as SQL, so that a view filters in the same statement that reads its page.

Kept in step with ``may_access`` by ``tests/integration/test_access_views.py``, which
checks both on the same stored data. Each way in is one indexed branch of a UNION: the
account holder, the person, a member, a caregiver who accepted (an invitation alone gives
nothing), the representative in force (an ended representation is in force no more), the
institution's admin or staff. Access taken away (a member, caregiver or staff member
removed) is a row gone: the next read no longer finds the person. A deactivated person
is found by no way in: admins alone see them."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, true, union

from cuiot.adapters.persistence.orm.care import (
    cared_person_caregivers,
    cared_person_members,
    cared_persons,
    institution_staff,
    institutions,
    legal_representations,
)
from cuiot.application.shared.queries import Viewer
from cuiot.domain.care import AssignmentStatus


def active_on(r: Any, today: date) -> ColumnElement[bool]:
    """``LegalRepresentation.is_active(today)`` on the columns ``r``: verified, not
    ended (an ended one is in force on no day) and ``today`` within its dates."""
    return and_(r.verified.is_(true()), r.ended_at.is_(None), r.valid_from <= today,
                or_(r.valid_until.is_(None), r.valid_until >= today))


def in_force(today: date) -> tuple[Any, ColumnElement[bool]]:
    """The representations in force on ``today``, one per cared person at most: active, and
    no other active one of the same person comes first in ``active_representation``'s
    order (the latest ``valid_from``, then ``created_at``; on a tie the repository's
    order, by id, keeps the first). Returns the alias and the condition on it."""
    r, other = legal_representations.alias(), legal_representations.alias()  # unique names
    o, c = other.c, r.c
    first = or_(
        o.valid_from > c.valid_from,
        and_(o.valid_from == c.valid_from, o.created_at > c.created_at),
        and_(o.valid_from == c.valid_from, o.created_at == c.created_at, o.id < c.id))
    beaten = exists().where(o.cared_person_id == c.cared_person_id, o.id != c.id,
                            active_on(o, today), first)
    return r, and_(active_on(c, today), ~beaten)


def visible_cared_persons(viewer: Viewer, today: date) -> Select[tuple[object]]:
    """The ids of the cared persons ``viewer`` may see: a subquery to filter with
    ``column.in_(...)``. Admins see everyone."""
    cp = cared_persons.c
    if viewer.is_admin:
        return select(cp.id)
    user = viewer.user_id
    members, caring = cared_person_members.c, cared_person_caregivers.c
    represented, rep_in_force = in_force(today)
    staffed = union(
        select(institutions.c.id).where(institutions.c.admin_id == user),
        select(institution_staff.c.institution_id).where(institution_staff.c.user_id == user))
    ways_in = union(
        select(cp.id).where(cp.account_id == user),
        select(cp.id).where(cp.user_id == user),
        select(members.cared_person_id).where(members.user_id == user),
        select(caring.cared_person_id).where(caring.caregiver_id == user,
                                             caring.status == AssignmentStatus.ACCEPTED),
        select(represented.c.cared_person_id).where(
            represented.c.representative_id == user, rep_in_force),
        select(cp.id).where(cp.institution_id.in_(staffed)),
    ).subquery("visible")
    # A deactivated person is seen by admins alone (above): by primary key, each way in
    # (an alias, never correlated with a query over cared_persons that filters by this).
    active = cared_persons.alias("active_person")
    return (select(ways_in.c.id).join(active, active.c.id == ways_in.c.id)
            .where(active.c.deactivated_at.is_(None)))
