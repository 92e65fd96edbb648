"""Registering, editing one's profile, and the admin's grants of roles. (The admin's list
of users is a query: ``tests/integration/test_users_views.py``.)"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from cuiot.application.identity.commands.users import (
    GrantRole,
    GrantRoleCommand,
    RegisterUser,
    RegisterUserCommand,
    RevokeRole,
    RevokeRoleCommand,
    UpdateProfile,
    UpdateProfileCommand,
)
from cuiot.application.referrals import hooks as referral_hooks
from cuiot.domain.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ReferralInvalid,
    Unauthenticated,
    ValidationFailed,
)
from cuiot.domain.users import Role
from cuiot.domain.values import EmailAddress
from tests.support.care import Bench


@pytest.fixture
def bench(uow, clock, ids, policy, hasher) -> Bench:
    return Bench(uow, clock, ids, policy, hasher)


def registration(**changes: Any) -> RegisterUserCommand:
    fields = {"email": "Laura@Example.com", "password": "secreto-123", "first_name": "Laura",
              "last_name": "Pérez", "phone": "+54 11 5555", "date_of_birth": date(1975, 8, 12)}
    return RegisterUserCommand(**{**fields, **changes})


async def test_a_new_user_is_a_family_member_with_a_hashed_password(bench: Bench) -> None:
    user = await bench.call(RegisterUser, registration())
    stored = await bench.uow.users.get_by_email(EmailAddress("laura@example.com"))
    assert stored is user and bench.uow.commits == 1
    assert user.active_roles(bench.clock.now()) == {Role.FAMILY}
    assert user.password_hash == "plain$secreto-123"
    assert (user.phone, user.date_of_birth) == ("+54 11 5555", date(1975, 8, 12))


@pytest.mark.parametrize("password", ["1234567", "x" * 73, "ñ" * 37])
async def test_a_password_outside_8_to_72_bytes_is_refused(bench: Bench, password: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await bench.call(RegisterUser, registration(password=password))
    assert caught.value.details["max_bytes"] == 72
    assert not list(bench.uow.users.all())


async def test_an_email_registers_once_whatever_its_case(bench: Bench) -> None:
    await bench.call(RegisterUser, registration())
    with pytest.raises(Conflict):
        await bench.call(RegisterUser, registration(email="LAURA@example.COM"))


@pytest.mark.parametrize("changes", [{"email": "nope"}, {"first_name": " "},
                                     {"date_of_birth": date(2026, 1, 16)}])
async def test_registration_validates_its_fields(bench: Bench, changes: dict) -> None:
    with pytest.raises(ValidationFailed):
        await bench.call(RegisterUser, registration(**changes))


async def test_a_referral_code_is_redeemed_in_the_same_unit_of_work(
        bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str, bool]] = []

    async def redeem(uow: Any, *, code: str, user: Any, now: Any, policy: Any) -> None:
        stored = await uow.users.get(user.id)
        seen.append((code, str(user.email), stored is user))

    monkeypatch.setattr(referral_hooks, "register_referred_user", redeem)
    await bench.call(RegisterUser, registration(referral_code="ABCD2345"))
    assert seen == [("ABCD2345", "laura@example.com", True)]


async def test_an_invalid_referral_code_undoes_the_registration(
        bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    async def refuse(uow: Any, **_: Any) -> None:
        raise ReferralInvalid("expired")

    monkeypatch.setattr(referral_hooks, "register_referred_user", refuse)
    with pytest.raises(ReferralInvalid):
        await bench.call(RegisterUser, registration(referral_code="ABCD2345"))
    assert not list(bench.uow.users.all())


async def test_a_user_edits_their_own_profile(bench: Bench) -> None:
    laura = await bench.user("Laura")
    await bench.call(UpdateProfile, UpdateProfileCommand(laura.id, last_name="Paz",
                                                         phone="222"))
    assert (laura.first_name, laura.last_name, laura.phone) == ("Laura", "Paz", "222")


async def test_an_unknown_or_inactive_actor_is_unauthenticated(bench: Bench) -> None:
    laura = await bench.user("Laura")
    laura.is_active = False
    with pytest.raises(Unauthenticated):
        await bench.call(UpdateProfile, UpdateProfileCommand(laura.id, last_name="Paz"))


async def test_an_admin_grants_a_role_that_may_expire(bench: Bench) -> None:
    admin, laura = await bench.admin(), await bench.user("Laura")
    until = bench.clock.now() + timedelta(days=30)
    await bench.call(GrantRole, GrantRoleCommand(admin.id, laura.id, "caregiver", until))
    assert laura.has_role(Role.CAREGIVER, bench.clock.now())
    assert not laura.has_role(Role.CAREGIVER, until)


async def test_an_admin_revokes_a_role_once(bench: Bench) -> None:
    admin, laura = await bench.admin(), await bench.user("Laura")
    await bench.call(RevokeRole, RevokeRoleCommand(admin.id, laura.id, "family"))
    assert laura.active_roles(bench.clock.now()) == set()
    with pytest.raises(Conflict):
        await bench.call(RevokeRole, RevokeRoleCommand(admin.id, laura.id, "family"))


async def test_roles_are_for_admins_known_users_and_known_roles(bench: Bench) -> None:
    admin, laura = await bench.admin(), await bench.user("Laura")
    with pytest.raises(Forbidden):
        await bench.call(GrantRole, GrantRoleCommand(laura.id, laura.id, "admin"))
    with pytest.raises(Forbidden):
        await bench.call(RevokeRole, RevokeRoleCommand(laura.id, admin.id, "admin"))
    with pytest.raises(NotFound):
        await bench.call(GrantRole, GrantRoleCommand(admin.id, bench.ids.new_id(), "admin"))
    with pytest.raises(ValidationFailed):
        await bench.call(GrantRole, GrantRoleCommand(admin.id, laura.id, "king"))
    assert not bench.fresh(laura).is_admin(bench.clock.now())
