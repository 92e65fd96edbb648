"""The access rule of ``application/shared/access.py`` ("the persons this user may see")
as SQL, so that a view filters in the same statement that reads its page.

Kept in step with ``may_access`` by ``tests/integration/test_access_views.py``, which
checks both on the same stored data."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, or_, select, true

from cuiot.adapters.persistence.orm.care import (
    cared_person_caregivers,
    cared_person_members,
    cared_persons,
    institution_staff,
    institutions,
    legal_representations,
)
from cuiot.application.shared.queries import Viewer


def visible_cared_persons(viewer: Viewer, today: date) -> Select[tuple[object]]:
    """The ids of the cared persons ``viewer`` may see: a subquery to filter with
    ``column.in_(...)``. Admins see everyone."""
    cp = cared_persons.c
    if viewer.is_admin:
        return select(cp.id)
    user = viewer.user_id
    r = legal_representations.c
    member = select(cared_person_members.c.cared_person_id).where(
        cared_person_members.c.user_id == user)
    caring = select(cared_person_caregivers.c.cared_person_id).where(
        cared_person_caregivers.c.caregiver_id == user)
    represented = select(r.cared_person_id).where(
        r.representative_id == user, r.verified.is_(true()), r.valid_from <= today,
        or_(r.valid_until.is_(None), r.valid_until >= today))
    staffed = select(institutions.c.id).where(institutions.c.admin_id == user).union(
        select(institution_staff.c.institution_id).where(institution_staff.c.user_id == user))
    return select(cp.id).where(or_(
        cp.account_id == user, cp.user_id == user,
        cp.id.in_(member), cp.id.in_(caring), cp.id.in_(represented),
        and_(cp.institution_id.is_not(None), cp.institution_id.in_(staffed)),
    ))
