"""Reading commissions: a referrer's list and totals, and the admins' list of all."""

from __future__ import annotations

from dataclasses import dataclass, field

from cuiot.application.referrals.ports import CommissionRecord, ReferralViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import Forbidden
from cuiot.domain.money import Money
from cuiot.domain.policy import Policy
from cuiot.domain.referrals import CommissionStatus, CommissionType
from cuiot.domain.values import parse_choice


@dataclass(frozen=True)
class ListMyCommissionsQuery:
    viewer: Viewer
    window: Window = field(default_factory=Window)


class ListMyCommissions:
    def __init__(self, views: ReferralViews, clock: Clock) -> None:
        self.views = views

    async def __call__(self, query: ListMyCommissionsQuery) -> list[CommissionRecord]:
        return await self.views.commissions_of(query.viewer.user_id, query.window)


@dataclass(frozen=True)
class CommissionStatsQuery:
    viewer: Viewer


@dataclass(frozen=True)
class CommissionStatsResult:
    """Sums by status, and by type over the commissions not cancelled."""

    by_status: dict[str, Money]
    by_type: dict[str, Money]
    count_by_status: dict[str, int]


class CommissionStats:
    def __init__(self, views: ReferralViews, clock: Clock, policy: Policy) -> None:
        self.views, self.policy = views, policy

    async def __call__(self, query: CommissionStatsQuery) -> CommissionStatsResult:
        totals = await self.views.commission_totals(query.viewer.user_id)
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
class ListCommissionsQuery:
    viewer: Viewer
    status: str | None = None
    window: Window = field(default_factory=Window)


class ListCommissions:
    """Admins only: every referrer's commissions, optionally of one status."""

    def __init__(self, views: ReferralViews, clock: Clock) -> None:
        self.views = views

    async def __call__(self, query: ListCommissionsQuery) -> list[CommissionRecord]:
        status = (parse_choice(CommissionStatus, query.status, "status")
                  if query.status is not None else None)
        if not query.viewer.is_admin:
            raise Forbidden("only an admin may do this")
        return await self.views.commissions(status, query.window)
