from __future__ import annotations

from pydantic import BaseModel, Field

from cuiot.entrypoints.http.schemas.common import Strict


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
