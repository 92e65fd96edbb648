"""Use cases of referrals: invite an email, and the admin's and the expiry job's status
changes. Checking a code and listing one's referrals are queries (``queries/``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from cuiot.application.shared.access import ensure_admin, load_actor
from cuiot.application.shared.ports import Clock, IdGenerator, RandomSource
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.errors import Conflict, Forbidden, InvalidStateTransition, NotFound
from cuiot.domain.policy import Policy
from cuiot.domain.referrals import (
    Referral,
    ReferralCode,
    ReferralStatus,
    ReferrerType,
    expiry_cutoffs,
    open_referral_exists,
)
from cuiot.domain.values import EmailAddress, parse_choice

CODE_ATTEMPTS = 20  # collisions among 32⁸ codes are rare; this only stops a broken source


@dataclass(frozen=True)
class GenerateReferralCommand:
    actor_id: UUID
    email: str
    referrer_type: str


class GenerateReferral:
    """Invite an email as a caregiver, institution, family or cared person: the actor must
    hold the matching role, may not invite themselves, and keeps one open referral per
    invited email (one past its expiry no longer counts, and is expired here)."""

    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator, rng: RandomSource,
                 policy: Policy) -> None:
        self.uow, self.clock, self.ids, self.rng, self.policy = uow, clock, ids, rng, policy

    async def __call__(self, cmd: GenerateReferralCommand) -> Referral:
        referrer_type = parse_choice(ReferrerType, cmd.referrer_type, "referrer_type")
        email, now = EmailAddress(cmd.email), self.clock.now()
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            if not actor.has_role(referrer_type.role, now):
                raise Forbidden(f"referring as {referrer_type} needs the role {referrer_type.role}",
                                role=str(referrer_type.role))
            await self._ensure_none_open(actor.id, email, now)
            referral = Referral.invite(
                id=self.ids.new_id(), code=await self._unique_code(), referrer_id=actor.id,
                referrer_type=referrer_type, referrer_email=actor.email, email=email, now=now)
            await self.uow.referrals.add(referral)
            await self.uow.commit()
        return referral

    async def _ensure_none_open(self, referrer_id: UUID, email: EmailAddress,
                                now: datetime) -> None:
        for open_one in await self.uow.referrals.list_open_for_referrer_and_email(
                referrer_id, email):
            if not open_one.expire_if_due(now, self.policy):
                raise open_referral_exists(referral_id=str(open_one.id))

    async def _unique_code(self) -> ReferralCode:
        for _ in range(CODE_ATTEMPTS):
            code = ReferralCode(self.rng.choose(self.policy.referral_code_alphabet,
                                                self.policy.referral_code_length))
            if await self.uow.referrals.get_by_code(code) is None:
                return code
        raise Conflict("could not draw an unused referral code", field="code")


@dataclass(frozen=True)
class UpdateReferralStatusCommand:
    actor_id: UUID
    referral_id: UUID
    status: str


class UpdateReferralStatus:
    """Admins only. The one change a person may make is to expire an open referral;
    registration and conversion happen through registration and payment."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: UpdateReferralStatusCommand) -> Referral:
        status, now = parse_choice(ReferralStatus, cmd.status, "status"), self.clock.now()
        async with self.uow:
            ensure_admin(await load_actor(self.uow, cmd.actor_id), now)
            referral = await self.uow.referrals.get(cmd.referral_id)
            if referral is None:
                raise NotFound("referral", cmd.referral_id)
            if status is not ReferralStatus.EXPIRED:
                raise InvalidStateTransition("referral", referral.status.value, f"set {status}")
            referral.expire(now)
            await self.uow.commit()
        return referral


class ExpireReferrals:
    """The system job: expire every referral past its window. Idempotent; returns how
    many it expired."""

    def __init__(self, uow: UnitOfWork, clock: Clock, policy: Policy) -> None:
        self.uow, self.clock, self.policy = uow, clock, policy

    async def __call__(self) -> int:
        now = self.clock.now()
        pending_before, registered_before = expiry_cutoffs(now, self.policy)
        async with self.uow:
            due = await self.uow.referrals.list_due_for_expiry(pending_before, registered_before)
            expired = sum(referral.expire_if_due(now, self.policy) for referral in due)
            await self.uow.commit()
        return expired
