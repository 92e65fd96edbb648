"""Users, passwords and the value objects around them, and the care entities' rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from cuiot.domain.care import CaredPerson, CareType, EmergencyContact, Institution
from cuiot.domain.errors import Conflict, ValidationFailed
from cuiot.domain.users import CapacityStatus, Role, User
from cuiot.domain.values import EmailAddress, Password, parse_choice

NOW = datetime(2026, 1, 15, 15, tzinfo=UTC)
TODAY = date(2026, 1, 15)


def a_user() -> User:
    return User(UUID(int=1), EmailAddress("Laura@Example.com"), "x", "Laura", "Pérez", NOW,
                phone="111", date_of_birth=date(1975, 8, 12))


@pytest.mark.parametrize("password", ["12345678", "a" * 72, "ñ" * 36, "ñ" * 4])
def test_a_password_is_8_to_72_bytes(password: str) -> None:
    assert Password(password).value == password


@pytest.mark.parametrize(("password", "size"), [("1234567", 7), ("a" * 73, 73),
                                                ("ñ" * 37, 74), ("ñ" * 3 + "a", 7)])
def test_a_password_outside_the_limits_names_them(password: str, size: int) -> None:
    with pytest.raises(ValidationFailed) as caught:
        Password(password)
    assert caught.value.details == {"field": "password", "min_bytes": 8, "max_bytes": 72,
                                    "bytes": size}


def test_a_password_is_never_printed() -> None:
    assert "secreto" not in repr(Password("secreto-123"))


def test_emails_compare_without_case() -> None:
    assert EmailAddress(" Laura@Example.COM ") == EmailAddress("laura@example.com")
    with pytest.raises(ValidationFailed):
        EmailAddress("not-an-email")


def test_parse_choice_lists_the_allowed_values() -> None:
    assert parse_choice(Role, "caregiver", "role") is Role.CAREGIVER
    with pytest.raises(ValidationFailed) as caught:
        parse_choice(Role, "king", "role")
    assert "admin" in caught.value.details["allowed"]


def test_a_profile_changes_only_the_given_fields() -> None:
    user = a_user()
    user.update_profile(TODAY, first_name=" Laurita ", date_of_birth=date(1976, 1, 1))
    assert (user.first_name, user.last_name, user.phone, user.date_of_birth) == (
        "Laurita", "Pérez", "111", date(1976, 1, 1))


@pytest.mark.parametrize("change", [{"first_name": " "}, {"date_of_birth": date(2026, 1, 16)}])
def test_a_profile_refuses_an_empty_name_or_a_birth_in_the_future(change: dict) -> None:
    user = a_user()
    with pytest.raises(ValidationFailed):
        user.update_profile(TODAY, **change)
    assert user.first_name == "Laura"


def test_roles_expire_and_are_revoked() -> None:
    user = a_user()
    user.grant_role(Role.CAREGIVER, NOW, NOW + timedelta(days=1))
    assert user.has_role(Role.CAREGIVER, NOW)
    assert not user.has_role(Role.CAREGIVER, NOW + timedelta(days=1))
    user.revoke_role(Role.CAREGIVER)
    with pytest.raises(Conflict):
        user.revoke_role(Role.CAREGIVER)
    with pytest.raises(ValidationFailed):
        user.grant_role(Role.ADMIN, NOW, NOW)


def test_a_court_declares_the_capacity_of_a_user() -> None:
    user = a_user()
    user.declare_capacity(CapacityStatus.RESTRICTED)
    assert user.capacity_status is CapacityStatus.RESTRICTED


def a_person(user_id: UUID | None = None) -> CaredPerson:
    return CaredPerson(UUID(int=5), UUID(int=1), "Rosa", "Gómez", date(1940, 4, 3), NOW,
                       user_id=user_id)


def test_a_cared_person_is_renamed_but_never_nameless() -> None:
    person = a_person()
    person.rename(last_name="Gómez Paz")
    assert person.full_name == "Rosa Gómez Paz"
    with pytest.raises(ValidationFailed):
        person.rename(first_name="")


def test_changing_the_care_changes_only_what_is_given() -> None:
    person = a_person()
    contact = EmergencyContact("Vecina", phone="555")
    person.change_care(capacity_status=CapacityStatus.RESTRICTED, thresholds={"bp": 1},
                       emergency_contacts=[contact], institution_id=UUID(int=7))
    assert person.care_type is CareType.DELEGATED
    assert (person.capacity_status, person.thresholds, person.emergency_contacts,
            person.institution_id) == ("restricted", {"bp": 1}, [contact], UUID(int=7))


def test_self_care_needs_the_persons_own_account() -> None:
    with pytest.raises(ValidationFailed):
        a_person().change_care(care_type=CareType.SELF_CARE)
    person = a_person(user_id=UUID(int=9))
    person.change_care(care_type=CareType.SELF_CARE)
    assert person.care_type is CareType.SELF_CARE


def test_an_emergency_contact_needs_a_name_and_a_valid_email() -> None:
    assert EmergencyContact("Vecina", email="V@X.COM").email == "v@x.com"
    with pytest.raises(ValidationFailed):
        EmergencyContact(" ")
    with pytest.raises(ValidationFailed):
        EmergencyContact("Vecina", email="nope")


def test_institution_staff_and_on_call() -> None:
    institution = Institution(UUID(int=3), "Hogar Sol", UUID(int=1), NOW)
    institution.add_staff(UUID(int=2), on_call=True)
    assert institution.is_staff(UUID(int=2)) and UUID(int=2) in institution.on_call_ids
    with pytest.raises(Conflict):
        institution.add_staff(UUID(int=1))
    with pytest.raises(ValidationFailed):
        Institution(UUID(int=4), " ", UUID(int=1), NOW)
