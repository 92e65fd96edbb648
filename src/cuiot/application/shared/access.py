"""Who may see and act on a cared person, decided from data, not from roles alone.

Access: admins; the account holder, members, the person themselves and the caregivers
who accepted their assignment (a pending invitation gives none); the active legal
representative; staff of the person's institution. A deactivated person is seen by
admins alone (``care/commands/lifecycle.py``: their managers may still reactivate them).
Everyone else is told the cared person does not exist (``NotFound``), never that it is
someone else's.

These decide for one person a command has loaded. The reads ask the same question of the
database: ``adapters/persistence/views/access.py: visible_cared_persons`` is this rule in
SQL, and ``tests/integration/test_access_views.py`` keeps the two in step.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.capacity import representative_id_of
from cuiot.domain.care import CaredPerson
from cuiot.domain.errors import Forbidden, NotFound, Unauthenticated
from cuiot.domain.users import User


async def load_actor(uow: UnitOfWork, user_id: UUID) -> User:
    user = await uow.users.get(user_id)
    if user is None or not user.is_active:
        raise Unauthenticated("unknown or inactive user")
    return user


def ensure_admin(user: User, now: datetime) -> None:
    """Admin-only actions: ``Forbidden`` for anyone else."""
    if not user.is_admin(now):
        raise Forbidden("only an admin may do this")


async def may_manage(uow: UnitOfWork, user: User, cared_person: CaredPerson, today: date) -> bool:
    """Whether ``user`` decides who sees and cares for the person: the account holder or
    the active legal representative."""
    if user.id == cared_person.account_id:
        return True
    representations = await uow.representations.list_for_cared_person(cared_person.id)
    return representative_id_of(representations, today) == user.id


async def may_access(
    uow: UnitOfWork, user: User, cared_person: CaredPerson, now: datetime, today: date
) -> bool:
    if not cared_person.is_active:  # deactivated: admins alone see them
        return user.is_admin(now)
    if user.is_admin(now) or cared_person.has_access(user.id):
        return True
    representations = await uow.representations.list_for_cared_person(cared_person.id)
    if representative_id_of(representations, today) == user.id:
        return True
    if cared_person.institution_id is not None:
        institution = await uow.institutions.get(cared_person.institution_id)
        return institution is not None and institution.is_staff(user.id)
    return False


async def accessible_cared_person(
    uow: UnitOfWork, user: User, cared_person_id: UUID, now: datetime, today: date
) -> CaredPerson:
    """The cared person, if ``user`` may see it; ``NotFound`` otherwise."""
    cared_person = await uow.cared_persons.get(cared_person_id)
    if cared_person is None or not await may_access(uow, user, cared_person, now, today):
        raise NotFound("cared person", cared_person_id)
    return cared_person


async def active_admins(uow: UnitOfWork, now: datetime) -> list[User]:
    """Admins who may act now: active accounts holding an unexpired admin role."""
    return [u for u in await uow.users.list_admins() if u.is_active and u.is_admin(now)]
