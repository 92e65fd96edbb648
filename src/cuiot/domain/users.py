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


@dataclass(frozen=True, slots=True)
class RoleGrant:
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
        if not self.first_name.strip() or not self.last_name.strip():
            raise ValidationFailed("first and last name are required", field="name")

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
