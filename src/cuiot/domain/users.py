"""Users and their roles. A role may expire."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from cuiot.domain.errors import Conflict, ValidationFailed
from cuiot.domain.values import EmailAddress


class Role(StrEnum):
    ADMIN = "admin"
    FAMILY = "family"
    CAREGIVER = "caregiver"
    INSTITUTION_ADMIN = "institution_admin"
    CARED_PERSON = "cared_person"


class CapacityStatus(StrEnum):
    FULL = "full"
    RESTRICTED = "restricted"
    INCAPACITATED = "incapacitated"


def check_date_of_birth(date_of_birth: date | None, today: date) -> None:
    """A date of birth, when known, cannot be in the future."""
    if date_of_birth is not None and date_of_birth > today:
        raise ValidationFailed("date of birth is in the future", field="date_of_birth")


def check_name(first_name: str, last_name: str) -> None:
    if not first_name.strip() or not last_name.strip():
        raise ValidationFailed("first and last name are required", field="name")


@dataclass(unsafe_hash=True)
class RoleGrant:
    """A role held since ``granted_at``, until ``expires_at`` if given. Equal by value
    (and hashed by it); never changed once made, replaced instead (``User.grant_role``)."""

    role: Role
    granted_at: datetime
    expires_at: datetime | None = None

    def is_active(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


@dataclass(eq=False)
class User:
    id: UUID
    email: EmailAddress
    password_hash: str
    first_name: str
    last_name: str
    created_at: datetime
    phone: str | None = None
    date_of_birth: date | None = None
    capacity_status: CapacityStatus = CapacityStatus.FULL
    roles: list[RoleGrant] = field(default_factory=list)
    is_active: bool = True

    def __post_init__(self) -> None:
        check_name(self.first_name, self.last_name)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def active_roles(self, now: datetime) -> set[Role]:
        return {grant.role for grant in self.roles if grant.is_active(now)}

    def has_role(self, role: Role, now: datetime) -> bool:
        return role in self.active_roles(now)

    def is_admin(self, now: datetime) -> bool:
        return self.has_role(Role.ADMIN, now)

    def grant_role(self, role: Role, now: datetime, expires_at: datetime | None = None) -> None:
        if expires_at is not None and expires_at <= now:
            raise ValidationFailed("a role cannot expire before it is granted", field="expires_at")
        self.roles = [g for g in self.roles if g.role != role]
        self.roles.append(RoleGrant(role, now, expires_at))

    def revoke_role(self, role: Role) -> None:
        if all(g.role != role for g in self.roles):
            raise Conflict(f"user does not hold the role {role}", role=str(role))
        self.roles = [g for g in self.roles if g.role != role]

    def update_profile(
        self,
        today: date,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        phone: str | None = None,
        date_of_birth: date | None = None,
    ) -> None:
        """Change the given fields; ``None`` leaves a field as it is."""
        first = self.first_name if first_name is None else first_name
        last = self.last_name if last_name is None else last_name
        check_name(first, last)
        check_date_of_birth(date_of_birth, today)
        self.first_name, self.last_name = first.strip(), last.strip()
        self.phone = self.phone if phone is None else phone
        self.date_of_birth = self.date_of_birth if date_of_birth is None else date_of_birth

    def declare_capacity(self, status: CapacityStatus) -> None:
        """Record the capacity a court declared (full, restricted, incapacitated)."""
        self.capacity_status = status
