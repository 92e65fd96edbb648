"""The bodies of /auth and /users."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field

from cuiot.application.identity.ports import UserView
from cuiot.domain.users import User
from cuiot.entrypoints.http.schemas import Strict


class LoginIn(Strict):
    email: str = Field(max_length=254, examples=["lucia@example.com"])
    password: str = Field(max_length=200, examples=["una clave larga"])


class RefreshIn(Strict):
    refresh_token: str = Field(max_length=4096, examples=["eyJhbGciOiJIUzI1NiIs…"])


class LogoutIn(Strict):
    refresh_token: str | None = Field(default=None, max_length=4096,
                                      examples=["eyJhbGciOiJIUzI1NiIs…"],
                                      description="Also end this login's refresh tokens")


class ForgotPasswordIn(Strict):
    email: str = Field(max_length=254, examples=["lucia@example.com"])


class ResetPasswordIn(Strict):
    token: str = Field(max_length=200, examples=["q3Jx…"])
    new_password: str = Field(max_length=200, examples=["otra clave larga"])


class TokenPairOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = Field(examples=["bearer"])
    expires_in: int = Field(examples=[1800], description="Seconds the access token lasts")


class RegisterIn(Strict):
    email: str = Field(max_length=254, examples=["lucia@example.com"])
    password: str = Field(min_length=1, max_length=200, examples=["una clave larga"],
                          description="8 to 72 bytes (UTF-8)")
    first_name: str = Field(min_length=1, max_length=100, examples=["Lucía"])
    last_name: str = Field(min_length=1, max_length=100, examples=["Fernández"])
    phone: str | None = Field(default=None, max_length=40, examples=["+54 11 5555-0101"])
    date_of_birth: date | None = Field(default=None, examples=["1975-04-12"])
    referral_code: str | None = Field(default=None, max_length=20, examples=["K7M2P9QX"])


class ProfileIn(Strict):
    first_name: str | None = Field(default=None, min_length=1, max_length=100, examples=["Lucía"])
    last_name: str | None = Field(default=None, min_length=1, max_length=100,
                                  examples=["Fernández"])
    phone: str | None = Field(default=None, max_length=40, examples=["+54 11 5555-0101"])
    date_of_birth: date | None = Field(default=None, examples=["1975-04-12"])


class RoleIn(Strict):
    role: str = Field(examples=["caregiver"],
                      description="admin, family, caregiver, institution_admin or cared_person")
    expires_at: datetime | None = Field(default=None, examples=["2027-01-31T00:00:00Z"])


class RoleOut(BaseModel):
    role: str
    granted_at: datetime
    expires_at: datetime | None


class UserOut(BaseModel):
    id: UUID
    email: str = Field(examples=["lucia@example.com"])
    first_name: str
    last_name: str
    phone: str | None
    date_of_birth: date | None
    capacity_status: str = Field(examples=["full"])
    roles: list[RoleOut]
    is_active: bool
    created_at: datetime

    @classmethod
    def of(cls, user: User, now: datetime) -> UserOut:
        return cls(id=user.id, email=user.email.value, first_name=user.first_name,
                   last_name=user.last_name, phone=user.phone, date_of_birth=user.date_of_birth,
                   capacity_status=user.capacity_status.value,
                   roles=[RoleOut(role=g.role.value, granted_at=g.granted_at,
                                  expires_at=g.expires_at) for g in user.roles if g.is_active(now)],
                   is_active=user.is_active, created_at=user.created_at)

    @classmethod
    def of_view(cls, user: UserView) -> UserOut:
        """From a read model, whose roles are those active when it was read."""
        return cls(id=user.id, email=user.email, first_name=user.first_name,
                   last_name=user.last_name, phone=user.phone, date_of_birth=user.date_of_birth,
                   capacity_status=user.capacity_status.value,
                   roles=[RoleOut(role=g.role.value, granted_at=g.granted_at,
                                  expires_at=g.expires_at) for g in user.roles],
                   is_active=user.is_active, created_at=user.created_at)
