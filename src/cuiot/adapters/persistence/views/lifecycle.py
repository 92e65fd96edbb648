"""Deactivated cared persons, for those who manage them: the account holder and the
representative in force (``access.may_manage`` as SQL), or any admin. One statement per
page, the members and caregivers outer-joined as ``views/care.py`` reads a person."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select, union

from cuiot.adapters.persistence.orm.care import cared_persons
from cuiot.adapters.persistence.views.access import in_force
from cuiot.adapters.persistence.views.care import PERSON, SqlCareViews
from cuiot.application.care.ports import CaredPersonView
from cuiot.application.shared.queries import Viewer, Window

cp = cared_persons.c


def managed_cared_persons(viewer: Viewer, today: date) -> Select[tuple[object]]:
    """The ids of the persons ``viewer`` manages, active or not (admins: everyone)."""
    if viewer.is_admin:
        return select(cp.id)
    represented, current = in_force(today)
    managed = union(
        select(cp.id).where(cp.account_id == viewer.user_id),
        select(represented.c.cared_person_id).where(
            represented.c.representative_id == viewer.user_id, current),
    ).subquery("managed")
    return select(managed.c.id)


class SqlDeactivatedPersonViews(SqlCareViews):
    async def deactivated_cared_persons(self, viewer: Viewer, today: date,
                                        window: Window) -> list[CaredPersonView]:
        chosen = (select(*PERSON)
                  .where(cp.deactivated_at.is_not(None),
                         cp.id.in_(managed_cared_persons(viewer, today)))
                  .order_by(cp.created_at, cp.id)
                  .offset(window.offset).limit(window.limit + 1))
        return await self._with_children(chosen)
