"""The bodies of /auth and /users (and /users/me/channels, /users/me/push-tokens)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from cuiot.application.identity.ports import ChannelsView, PushTokenView, UserView
from cuiot.domain.notifications import Channel
from cuiot.domain.responders import LABEL_MAX_CHARS, TOKEN_MAX_CHARS, PushToken, masked_address
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
    deactivated_at: datetime | None = Field(
        None, description="When the account was deactivated (it no longer logs in)")
    erased_at: datetime | None = Field(
        None, description="When its personal data was erased on request")

    @classmethod
    def of(cls, user: User, now: datetime) -> UserOut:
        return cls(id=user.id, email=user.email.value, first_name=user.first_name,
                   last_name=user.last_name, phone=user.phone, date_of_birth=user.date_of_birth,
                   capacity_status=user.capacity_status.value,
                   roles=[RoleOut(role=g.role.value, granted_at=g.granted_at,
                                  expires_at=g.expires_at) for g in user.roles if g.is_active(now)],
                   is_active=user.is_active, created_at=user.created_at,
                   deactivated_at=user.deactivated_at, erased_at=user.erased_at)

    @classmethod
    def of_view(cls, user: UserView) -> UserOut:
        """From a read model, whose roles are those active when it was read."""
        return cls(id=user.id, email=user.email, first_name=user.first_name,
                   last_name=user.last_name, phone=user.phone, date_of_birth=user.date_of_birth,
                   capacity_status=user.capacity_status.value,
                   roles=[RoleOut(role=g.role.value, granted_at=g.granted_at,
                                  expires_at=g.expires_at) for g in user.roles],
                   is_active=user.is_active, created_at=user.created_at,
                   deactivated_at=user.deactivated_at, erased_at=user.erased_at)


ChannelName = Literal["email", "sms", "push"]


class ChannelsIn(Strict):
    """The whole choice: what is left out is switched off (a number left out is
    forgotten)."""

    channels: list[ChannelName] = Field(min_length=1, max_length=3,
                                        examples=[["email", "sms", "push"]],
                                        description="How alerts reach you; at least one")
    sms_number: str | None = Field(default=None, max_length=40, examples=["+54 11 5555-0102"],
                                   description="Needed for sms: + and the country code")


class PushTokenIn(Strict):
    token: str = Field(min_length=1, max_length=TOKEN_MAX_CHARS,
                       examples=["fMEl0x3bT0y9…:APA91bH…"],
                       description="The registration token the phone's push service gave "
                                   "the app (FCM); registering it again changes nothing")
    label: str | None = Field(default=None, max_length=LABEL_MAX_CHARS,
                              examples=["Teléfono de Lucía"])


class PushTokenOut(BaseModel):
    id: UUID
    token_hint: str = Field(examples=["…H3kQ9z"], description="The token's last characters")
    label: str | None = Field(examples=["Teléfono de Lucía"])
    created_at: datetime

    @classmethod
    def of(cls, token: PushToken | PushTokenView) -> PushTokenOut:
        hint = (token.token_hint if isinstance(token, PushTokenView)
                else masked_address(Channel.PUSH, token.token))
        return cls(id=token.id, token_hint=hint, label=token.label, created_at=token.created_at)


class ChannelsOut(BaseModel):
    channels: list[ChannelName] = Field(examples=[["email", "sms", "push"]])
    sms_number: str | None = Field(examples=["+541155550102"])
    push_tokens: list[PushTokenOut] = Field(description="The phones push goes to")

    @classmethod
    def of(cls, view: ChannelsView) -> ChannelsOut:
        return cls(channels=[c.value for c in view.channels], sms_number=view.sms_number,
                   push_tokens=[PushTokenOut.of(t) for t in view.push_tokens])

    @classmethod
    def of_user(cls, user: User) -> ChannelsOut:
        return cls(channels=[c.value for c in user.channels.chosen],
                   sms_number=user.sms_number,
                   push_tokens=[PushTokenOut.of(t) for t in user.push_tokens])
