"""Forgotten passwords: ask for a reset by email, then set a new password with it.

The reset secret travels only in the email (an outbox notification, which forgets it once
delivered or given up); the database keeps its SHA-256. A reset ends every session of the
user and clears the login-failure budget of their email, so someone locked out can come
back in at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.identity.commands.authenticate import deny_current_tokens, revoke_sessions
from cuiot.application.identity.ports import RateLimiter, RevocationList
from cuiot.application.shared.access import load_actor
from cuiot.application.shared.ports import Clock, IdGenerator, PasswordHasher, RandomSource
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.auth import PasswordReset, RevokeReason, hash_token
from cuiot.domain.errors import RateLimited, Unauthenticated
from cuiot.domain.notifications import SECRET_KEYS, Channel, Notification
from cuiot.domain.policy import Policy
from cuiot.domain.values import EmailAddress, Password

NOBODY = UUID(int=0)


@dataclass(frozen=True)
class ForgotPasswordCommand:
    email: str


def _reset_notice(id: UUID, reset: PasswordReset, address: EmailAddress, token: str,
                  minutes: int) -> Notification:
    return Notification(
        id=id, channel=Channel.EMAIL, address=address.value, kind="auth",
        subject="Restablecer tu contraseña de CUIOT",
        body=f"Para elegir una contraseña nueva usá este código: {token}\n"
             f"Vale una sola vez y vence en {minutes} minutos. Si no lo pediste, "
             "ignorá este mensaje: tu contraseña sigue igual.",
        created_at=reset.created_at, recipient_user_id=reset.user_id,
        payload={"purpose": "password_reset", "token": token,
                 "expires_at": reset.expires_at.isoformat(), SECRET_KEYS: ["token"]},
    )


class ForgotPassword:
    """Email a single-use reset secret to an active user. An unknown (or inactive) email
    does the same work and writes nothing, so the caller always answers alike. At most
    ``password_reset_emails_allowed`` requests per address and window, known or not
    (``RateLimited`` past it), so nobody can flood an inbox."""

    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator, rng: RandomSource,
                 policy: Policy, rate_limiter: RateLimiter) -> None:
        self.uow, self.clock, self.ids, self.rng, self.policy = uow, clock, ids, rng, policy
        self.rate_limiter = rate_limiter

    async def __call__(self, cmd: ForgotPasswordCommand) -> None:
        email, now, token = EmailAddress(cmd.email), self.clock.now(), self.rng.token()
        window = int(self.policy.password_reset_email_window.total_seconds())
        decision = await self.rate_limiter.hit(f"reset-mail:{email.value}",
                                               self.policy.password_reset_emails_allowed, window)
        if not decision.allowed:
            raise RateLimited(max(1, int(decision.retry_after_seconds)))
        async with self.uow:
            user = await self.uow.users.get_by_email(email)
            owner = user.id if user is not None and user.is_active else None
            reset = PasswordReset.issue(self.ids.new_id(), NOBODY if owner is None else owner,
                                        token, now, self.policy)
            notice = _reset_notice(self.ids.new_id(), reset, email, token,
                                   self.policy.password_reset_minutes)
            if owner is None:
                return
            await self.uow.password_resets.add(reset)
            await self.uow.notifications.add(notice)
            await self.uow.commit()


@dataclass(frozen=True)
class ResetPasswordCommand:
    token: str
    new_password: str


class ResetPassword:
    """Set a new password with a reset secret (unknown, used or expired → Unauthenticated);
    every session of the user is revoked."""

    def __init__(self, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher,
                 revocations: RevocationList) -> None:
        self.uow, self.clock, self.hasher, self.revocations = uow, clock, hasher, revocations

    async def __call__(self, cmd: ResetPasswordCommand) -> None:
        password, now = Password(cmd.new_password), self.clock.now()
        async with self.uow:
            reset = await self.uow.password_resets.get_by_token_hash(hash_token(cmd.token))
            if reset is None:
                raise Unauthenticated("reset token invalid or expired", reason="unknown")
            reset.use(now)
            user = await load_actor(self.uow, reset.user_id)
            user.password_hash = await self.hasher.hash(password.value)
            revoked = await revoke_sessions(self.uow, user.id, now, RevokeReason.PASSWORD_RESET)
            await self.uow.commit()
        await deny_current_tokens(self.revocations, revoked)
