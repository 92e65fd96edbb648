"""Use cases of commissions: a referrer's list and totals, the admin's list and payment."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.shared.access import ensure_admin, load_actor
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.errors import NotFound
from cuiot.domain.money import Money
from cuiot.domain.policy import Policy
from cuiot.domain.referrals import Commission, CommissionStatus, CommissionType
from cuiot.domain.values import parse_choice


@dataclass(frozen=True)
class ListMyCommissionsCommand:
    actor_id: UUID
    offset: int = 0
    limit: int = 100


class ListMyCommissions:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def __call__(self, cmd: ListMyCommissionsCommand) -> list[Commission]:
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            return await self.uow.commissions.list_for_referrer(actor.id, cmd.offset, cmd.limit)


@dataclass(frozen=True)
class CommissionStatsCommand:
    actor_id: UUID


@dataclass(frozen=True)
class CommissionStatsResult:
    """Sums by status, and by type over the commissions not cancelled."""

    by_status: dict[str, Money]
    by_type: dict[str, Money]
    count_by_status: dict[str, int]


class CommissionStats:
    def __init__(self, uow: UnitOfWork, policy: Policy) -> None:
        self.uow, self.policy = uow, policy

    async def __call__(self, cmd: CommissionStatsCommand) -> CommissionStatsResult:
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            totals = await self.uow.commissions.totals_for_referrer(actor.id)
        zero = Money.zero(self.policy.currency)
        by_status = {s.value: zero for s in CommissionStatus}
        by_type = {t.value: zero for t in CommissionType}
        count_by_status = {s.value: 0 for s in CommissionStatus}
        for total in totals:
            by_status[total.status.value] += total.amount
            count_by_status[total.status.value] += total.count
            if total.status is not CommissionStatus.CANCELLED:
                by_type[total.type.value] += total.amount
        return CommissionStatsResult(by_status, by_type, count_by_status)


@dataclass(frozen=True)
class ListCommissionsCommand:
    actor_id: UUID
    status: str | None = None
    offset: int = 0
    limit: int = 100


class ListCommissions:
    """Admins only: every referrer's commissions, optionally of one status."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: ListCommissionsCommand) -> list[Commission]:
        status = (parse_choice(CommissionStatus, cmd.status, "status")
                  if cmd.status is not None else None)
        async with self.uow:
            ensure_admin(await load_actor(self.uow, cmd.actor_id), self.clock.now())
            return await self.uow.commissions.list_by_status(status, cmd.offset, cmd.limit)


@dataclass(frozen=True)
class PayCommissionCommand:
    actor_id: UUID
    commission_id: UUID


class PayCommission:
    """Admins only: mark a pending commission paid. Paying twice is a conflict."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: PayCommissionCommand) -> Commission:
        now = self.clock.now()
        async with self.uow:
            ensure_admin(await load_actor(self.uow, cmd.actor_id), now)
            commission = await self.uow.commissions.get(cmd.commission_id)
            if commission is None:
                raise NotFound("commission", cmd.commission_id)
            commission.pay(now)
            await self.uow.commit()
        return commission
