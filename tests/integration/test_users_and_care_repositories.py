from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from cuiot.domain.care import (
    AssignmentStatus,
    CaredPerson,
    CaregiverAssignment,
    CareType,
    EmergencyContact,
    Institution,
    LegalRepresentation,
    Relationship,
)
from cuiot.domain.errors import Conflict
from cuiot.domain.users import CapacityStatus, Role, User
from cuiot.domain.values import EmailAddress
from tests.support.statements import statements

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
ACCEPTED = AssignmentStatus.ACCEPTED


def a_user(email: str = "ana@example.com") -> User:
    return User(id=uuid4(), email=EmailAddress(email), password_hash="h", first_name="Ana",
                last_name="Pérez", created_at=NOW, date_of_birth=date(1980, 5, 1))


async def test_user_round_trip_with_roles(sql_uow):
    user = a_user()
    user.grant_role(Role.FAMILY, NOW)
    user.grant_role(Role.CAREGIVER, NOW, expires_at=NOW + timedelta(days=30))
    async with sql_uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    async with sql_uow() as uow:
        loaded = await uow.users.get_by_email(EmailAddress("ANA@example.com"))
    assert loaded is not None and loaded.id == user.id
    assert loaded.active_roles(NOW) == {Role.FAMILY, Role.CAREGIVER}
    assert loaded.created_at == NOW and loaded.date_of_birth == date(1980, 5, 1)


async def test_changes_to_a_loaded_entity_are_written_at_commit(sql_uow):
    user = a_user()
    async with sql_uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    async with sql_uow() as uow:
        loaded = await uow.users.get(user.id)
        loaded.phone = "+54 11 5555-0000"
        loaded.grant_role(Role.ADMIN, NOW)
        await uow.commit()
    async with sql_uow() as uow:
        again = await uow.users.get(user.id)
        admins = await uow.users.list_admins()
    assert again.phone == "+54 11 5555-0000"
    assert [a.id for a in admins] == [user.id]


async def test_without_commit_nothing_is_written(sql_uow):
    async with sql_uow() as uow:
        await uow.users.add(a_user())
    async with sql_uow() as uow:
        assert await uow.users.get_by_email(EmailAddress("ana@example.com")) is None


async def test_an_error_inside_the_unit_of_work_rolls_back(sql_uow):
    with pytest.raises(RuntimeError):
        async with sql_uow() as uow:
            await uow.users.add(a_user())
            await uow.flush()
            raise RuntimeError("boom")
    async with sql_uow() as uow:
        assert await uow.users.get_by_email(EmailAddress("ana@example.com")) is None


async def test_email_unique_ignoring_case_in_the_database(sql_uow):
    async with sql_uow() as uow:
        await uow.users.add(a_user("rosa@example.com"))
        await uow.commit()
    with pytest.raises(Conflict):
        async with sql_uow() as uow:
            duplicate = a_user("rosa@example.com")
            shouted = object.__new__(EmailAddress)  # what EmailAddress itself never makes
            object.__setattr__(shouted, "value", "ROSA@example.com")
            duplicate.email = shouted
            await uow.users.add(duplicate)
            await uow.commit()


def a_scene() -> tuple[list[User], Institution, CaredPerson, LegalRepresentation]:
    """A holder, a member, an on-call carer, an institution, a person and a representation."""
    holder, member, carer = (a_user("h@example.com"), a_user("m@example.com"),
                             a_user("c@example.com"))
    institution = Institution(id=uuid4(), name="Hogar Sol", admin_id=holder.id, created_at=NOW)
    institution.on_call_ids.add(carer.id)
    person = CaredPerson(id=uuid4(), account_id=holder.id, first_name="Rosa", last_name="Gómez",
                         date_of_birth=date(1940, 2, 29), created_at=NOW,
                         care_type=CareType.DELEGATED, institution_id=institution.id,
                         emergency_contacts=[EmergencyContact("Luis", phone="+54 9 11")],
                         thresholds={"systolic_high": 150})
    person.add_member(member.id)
    person.assign_caregiver(carer.id, primary=True)
    person.accept_caregiving(carer.id)
    rep = LegalRepresentation(id=uuid4(), cared_person_id=person.id, representative_id=holder.id,
                              relationship=Relationship.CHILD, document_ref="poder 123",
                              valid_from=date(2025, 1, 1), created_at=NOW)
    return [holder, member, carer], institution, person, rep


async def stored_scene(sql_uow):
    users, institution, person, rep = a_scene()
    async with sql_uow() as uow:
        for user in users:
            await uow.users.add(user)
        await uow.institutions.add(institution)
        await uow.cared_persons.add(person)
        await uow.representations.add(rep)
        await uow.commit()
    return users, institution, person, rep


async def test_cared_person_members_caregivers_and_representation(sql_uow):
    (holder, member, carer), institution, person, rep = await stored_scene(sql_uow)
    async with sql_uow() as uow:
        loaded = await uow.cared_persons.get(person.id)
        held = await uow.cared_persons.list_for_account(holder.id)
        patients = await uow.cared_persons.list_for_institution(institution.id)
        reps = await uow.representations.list_for_cared_person(person.id)
        home = await uow.institutions.get(institution.id)
    assert loaded.member_ids == {member.id} and loaded.primary_caregiver_id == carer.id
    assert loaded.emergency_contacts == [EmergencyContact("Luis", phone="+54 9 11")]
    assert loaded.thresholds == {"systolic_high": 150}
    assert (loaded.care_type, loaded.capacity_status) == (CareType.DELEGATED, CapacityStatus.FULL)
    assert held == [loaded] and patients == [loaded]  # one object per row: the identity map
    assert [r.id for r in reps] == [rep.id] and reps[0].relationship is Relationship.CHILD
    assert home.on_call_ids == {carer.id} and home.staff_ids == {carer.id}  # on call is staff


async def test_unchanged_child_collections_write_nothing(engine, sql_uow):
    _, institution, person, rep = await stored_scene(sql_uow)
    async with sql_uow() as uow:
        loaded = await uow.cared_persons.get(person.id)
        home = await uow.institutions.get(institution.id)
        await uow.representations.get(rep.id)
        with statements(engine) as seen:
            assert loaded.has_access(loaded.account_id) and home.is_staff(home.admin_id)
            loaded.change_care(emergency_contacts=list(loaded.emergency_contacts),
                               thresholds=dict(loaded.thresholds))  # the same values again
            await uow.commit()
    assert seen.writes() == []
    async with sql_uow() as uow:
        loaded = await uow.cared_persons.get(person.id)
        with statements(engine) as seen:
            loaded.rename("Rosa María")
            await uow.commit()
    [update] = seen.writes()
    assert update.startswith("UPDATE cared_persons SET first_name=")


async def test_a_changed_child_collection_writes_only_the_rows_that_changed(engine, sql_uow):
    (_, member, carer), institution, person, _ = await stored_scene(sql_uow)
    newcomer = a_user("n@example.com")
    async with sql_uow() as uow:
        await uow.users.add(newcomer)
        await uow.commit()
    async with sql_uow() as uow:
        loaded = await uow.cared_persons.get(person.id)
        home = await uow.institutions.get(institution.id)
        with statements(engine) as seen:
            loaded.add_member(newcomer.id)
            loaded.assign_caregiver(member.id, primary=True)
            loaded.accept_caregiving(member.id)  # the old primary is demoted
            home.add_staff(member.id, on_call=True)
            await uow.commit()
    writes = sorted(w.split(" (")[0].split(" SET")[0] for w in seen.writes())
    assert writes == ["INSERT INTO cared_person_caregivers", "INSERT INTO cared_person_members",
                      "INSERT INTO institution_staff", "UPDATE cared_person_caregivers"]
    async with sql_uow() as uow:
        loaded = await uow.cared_persons.get(person.id)
        home = await uow.institutions.get(institution.id)
        assert loaded.member_ids == {member.id, newcomer.id}
        assert loaded.caregivers == [CaregiverAssignment(member.id, True, ACCEPTED),
                                     CaregiverAssignment(carer.id, False, ACCEPTED)]
        assert home.on_call_ids == {carer.id, member.id} == home.staff_ids
        with statements(engine) as seen:
            loaded.member_ids.discard(newcomer.id)
            await uow.commit()
    [delete] = seen.writes()
    assert delete.startswith("DELETE FROM cared_person_members")


async def test_a_dangling_reference_is_refused_at_commit(sql_uow):
    person = CaredPerson(id=uuid4(), account_id=uuid4(), first_name="X", last_name="Y",
                         date_of_birth=None, created_at=NOW)
    with pytest.raises(Conflict):
        async with sql_uow() as uow:
            await uow.cared_persons.add(person)
            await uow.commit()


async def test_the_next_unit_of_work_works_after_a_commit_was_refused(engine, sql_uow):
    orphan = CaredPerson(id=uuid4(), account_id=uuid4(), first_name="X", last_name="Y",
                         date_of_birth=None, created_at=NOW)
    for _ in range(3):  # the pool hands the same connection back each time on SQLite
        # The same object each time: a refused unit of work leaves it as it was, new.
        with pytest.raises(Conflict):
            async with sql_uow() as uow:
                await uow.cared_persons.add(orphan)
                await uow.commit()
    async with sql_uow() as uow:
        await uow.users.add(a_user())
        await uow.commit()
    async with sql_uow() as uow:
        assert await uow.users.get_by_email(EmailAddress("ana@example.com")) is not None
