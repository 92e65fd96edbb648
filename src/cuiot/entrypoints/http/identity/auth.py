"""/auth: register, log in, refresh, log out, reset a forgotten password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from cuiot.application.identity.commands.authenticate import Logout, LogoutCommand, TokenPair
from cuiot.application.identity.commands.login import Login, LoginCommand, Refresh, RefreshCommand
from cuiot.application.identity.commands.passwords import (
    ForgotPassword,
    ForgotPasswordCommand,
    ResetPassword,
    ResetPasswordCommand,
)
from cuiot.application.identity.commands.users import RegisterUser, RegisterUserCommand
from cuiot.entrypoints.http.deps import Principal, use
from cuiot.entrypoints.http.identity.schemas import (
    ForgotPasswordIn,
    LoginIn,
    LogoutIn,
    RefreshIn,
    RegisterIn,
    ResetPasswordIn,
    TokenPairOut,
    UserOut,
)

router = APIRouter(prefix="/auth", tags=["auth"])


def _pair(pair: TokenPair) -> TokenPairOut:
    return TokenPairOut(access_token=pair.access_token, refresh_token=pair.refresh_token,
                        token_type=pair.token_type, expires_in=pair.expires_in)


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserOut,
             summary="Create an account (optionally with a referral code)")
async def register(body: RegisterIn, request: Request,
                   register_user: Annotated[RegisterUser, Depends(use(RegisterUser))]) -> UserOut:
    user = await register_user(RegisterUserCommand(**body.model_dump()))
    return UserOut.of(user, request.app.state.container.clock().now())


@router.post("/login", response_model=TokenPairOut,
             summary="Exchange email and password for tokens")
async def login(body: LoginIn, request: Request,
                log_in: Annotated[Login, Depends(use(Login))]) -> TokenPairOut:
    client = request.client.host if request.client else "unknown"
    return _pair(await log_in(LoginCommand(body.email, body.password, client)))


@router.post("/refresh", response_model=TokenPairOut,
             summary="Spend a refresh token for a new pair (a reused one ends the session)")
async def refresh(body: RefreshIn,
                  renew: Annotated[Refresh, Depends(use(Refresh))]) -> TokenPairOut:
    return _pair(await renew(RefreshCommand(body.refresh_token)))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
             summary="Revoke this access token and, if given, the refresh token's session")
async def logout(principal: Principal, log_out: Annotated[Logout, Depends(use(Logout))],
                 body: LogoutIn | None = None) -> Response:
    await log_out(LogoutCommand(principal.user_id, principal.jti, principal.expires_at,
                                body.refresh_token if body else None))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/forgot-password", status_code=status.HTTP_202_ACCEPTED, response_class=Response,
             summary="Email a single-use reset token valid 30 minutes (202 whether or not the "
                     "address is known; 429 past 3 requests an hour for one address)")
async def forgot_password(
        body: ForgotPasswordIn,
        forgot: Annotated[ForgotPassword, Depends(use(ForgotPassword))]) -> Response:
    await forgot(ForgotPasswordCommand(body.email))
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.post("/reset-password", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
             summary="Set a new password with a reset token; ends every session")
async def reset_password(body: ResetPasswordIn,
                         reset: Annotated[ResetPassword, Depends(use(ResetPassword))]) -> Response:
    await reset(ResetPasswordCommand(body.token, body.new_password))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
