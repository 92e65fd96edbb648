"""Use cases of user accounts: register, edit one's profile, the admin's grants of roles,
and the operator's first admin. Reading accounts is in ``queries/users.py``.

Granting and revoking a role, and the operator's making of an admin, are written to the
audit log in their unit of work (the role every account gets at registration is not)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from cuiot.application.referrals import hooks as referral_hooks
from cuiot.application.shared.access import ensure_admin, load_actor
from cuiot.application.shared.ports import Clock, IdGenerator, PasswordHasher
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain import audit_entries as audit
from cuiot.domain.errors import Conflict, NotFound
from cuiot.domain.policy import Policy
from cuiot.domain.users import Role, User, check_date_of_birth
from cuiot.domain.values import EmailAddress, Password, parse_choice


@dataclass(frozen=True)
class RegisterUserCommand:
    email: str
    password: str
    first_name: str
    last_name: str
    phone: str | None = None
    date_of_birth: date | None = None
    referral_code: str | None = None


class RegisterUser:
    """Anyone may register; a new user is a family member, and a referral code given at
    registration is redeemed in the same unit of work."""

    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator,
                 hasher: PasswordHasher, policy: Policy) -> None:
        self.uow, self.clock, self.ids, self.hasher, self.policy = uow, clock, ids, hasher, policy

    async def __call__(self, cmd: RegisterUserCommand) -> User:
        email, password = EmailAddress(cmd.email), Password(cmd.password)
        check_date_of_birth(cmd.date_of_birth, self.clock.today())
        now = self.clock.now()
        user = User(id=self.ids.new_id(), email=email,
                    password_hash=await self.hasher.hash(password.value),
                    first_name=cmd.first_name.strip(), last_name=cmd.last_name.strip(),
                    created_at=now, phone=cmd.phone, date_of_birth=cmd.date_of_birth)
        user.grant_role(Role.FAMILY, now)
        async with self.uow:
            if await self.uow.users.get_by_email(email) is not None:
                raise Conflict("email already registered", field="email")
            await self.uow.users.add(user)
            if cmd.referral_code:
                await referral_hooks.register_referred_user(
                    self.uow, code=cmd.referral_code, user=user, now=now, policy=self.policy)
            await self.uow.commit()
        return user


@dataclass(frozen=True)
class UpdateProfileCommand:
    """``None`` leaves a field as it is."""

    actor_id: UUID
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    date_of_birth: date | None = None


class UpdateProfile:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: UpdateProfileCommand) -> User:
        async with self.uow:
            user = await load_actor(self.uow, cmd.actor_id)
            user.update_profile(self.clock.today(), first_name=cmd.first_name,
                                last_name=cmd.last_name, phone=cmd.phone,
                                date_of_birth=cmd.date_of_birth)
            await self.uow.commit()
        return user


@dataclass(frozen=True)
class GrantRoleCommand:
    actor_id: UUID
    user_id: UUID
    role: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class RevokeRoleCommand:
    actor_id: UUID
    user_id: UUID
    role: str


async def _user_for_admin(uow: UnitOfWork, actor_id: UUID, user_id: UUID, now: datetime) -> User:
    ensure_admin(await load_actor(uow, actor_id), now)
    user = await uow.users.get(user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


class GrantRole:
    """Admin only. Granting a role a user holds replaces its expiry."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: GrantRoleCommand) -> User:
        role, now = parse_choice(Role, cmd.role, "role"), self.clock.now()
        async with self.uow:
            user = await _user_for_admin(self.uow, cmd.actor_id, cmd.user_id, now)
            user.grant_role(role, now, cmd.expires_at)
            await self.uow.audit.add(audit.role_granted(user, role, cmd.actor_id, now,
                                                        cmd.expires_at))
            await self.uow.commit()
        return user


class RevokeRole:
    """Admin only. Revoking a role the user does not hold is a conflict."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: RevokeRoleCommand) -> User:
        role, now = parse_choice(Role, cmd.role, "role"), self.clock.now()
        async with self.uow:
            user = await _user_for_admin(self.uow, cmd.actor_id, cmd.user_id, now)
            user.revoke_role(role)
            await self.uow.audit.add(audit.role_revoked(user, role, cmd.actor_id, now))
            await self.uow.commit()
        return user


@dataclass(frozen=True)
class CreateAdminCommand:
    email: str
    password: str
    first_name: str = "Admin"
    last_name: str = "CUIOT"


class CreateAdmin:
    """The operator's bootstrap (from the command line, no actor): make an admin, or
    make an existing user one. Returns the user and whether it was new. The audit log
    records the grant with no actor."""

    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator,
                 hasher: PasswordHasher) -> None:
        self.uow, self.clock, self.ids, self.hasher = uow, clock, ids, hasher

    async def __call__(self, cmd: CreateAdminCommand) -> tuple[User, bool]:
        email, password = EmailAddress(cmd.email), Password(cmd.password)
        now = self.clock.now()
        async with self.uow:
            user = await self.uow.users.get_by_email(email)
            created = user is None
            if user is None:
                user = User(id=self.ids.new_id(), email=email,
                            password_hash=await self.hasher.hash(password.value),
                            first_name=cmd.first_name, last_name=cmd.last_name, created_at=now)
                await self.uow.users.add(user)
            elif user.is_admin(now):
                raise Conflict("that user is an admin already", email=email.value)
            user.grant_role(Role.ADMIN, now)
            await self.uow.audit.add(audit.role_granted(user, Role.ADMIN, None, now))
            await self.uow.commit()
        return user, created
