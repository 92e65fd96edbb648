"""What an account (a user's or an institution's) uses, measured against its package."""

from __future__ import annotations

from uuid import UUID

from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.billing_limits import Usage
from cuiot.domain.care import CaredPerson


def _users_with_access(cared_person: CaredPerson) -> set[UUID]:
    """The account holder, members, the person's own user and the caregivers."""
    people = {cared_person.account_id, *cared_person.member_ids}
    people.update(a.caregiver_id for a in cared_person.caregivers)
    if cared_person.user_id is not None:
        people.add(cared_person.user_id)
    return people


async def usage_of(
    uow: UnitOfWork, account_id: UUID | None = None, institution_id: UUID | None = None,
    *, counting: UUID | None = None,
) -> Usage:
    """Usage of a user's account (``account_id``) or of an institution.

    Users: distinct users with access to its cared persons, plus the account holder (or
    the institution's admin and staff). Patients: an institution's cared persons. A
    deactivated cared person counts for nothing (their users, devices, storage), unless
    it is ``counting`` (one about to be reactivated).
    """
    if (account_id is None) == (institution_id is None):
        raise ValueError("usage_of needs exactly one of account_id and institution_id")
    users: set[UUID] = set()
    if institution_id is not None:
        cared_persons = await uow.cared_persons.list_for_institution(institution_id)
        institution = await uow.institutions.get(institution_id)
        if institution is not None:
            users |= {institution.admin_id, *institution.staff_ids, *institution.on_call_ids}
    else:
        assert account_id is not None
        cared_persons = await uow.cared_persons.list_for_account(account_id)
        users.add(account_id)
    cared_persons = [p for p in cared_persons if p.is_active or p.id == counting]
    for cared_person in cared_persons:
        users |= _users_with_access(cared_person)
    ids = [cp.id for cp in cared_persons]
    return Usage(
        users=len(users),
        devices=await uow.devices.count_active_for_cared_persons(ids),
        storage_bytes=await uow.events.stored_bytes_for_cared_persons(ids),
        patients=len(cared_persons) if institution_id is not None else 0,
    )
