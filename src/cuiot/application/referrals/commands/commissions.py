"""Use cases of commissions: an admin pays one. The lists and totals are queries
(``queries/commissions.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.shared.access import ensure_admin, load_actor
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain import audit_entries as audit
from cuiot.domain.errors import NotFound
from cuiot.domain.referrals import Commission


@dataclass(frozen=True)
class PayCommissionCommand:
    actor_id: UUID
    commission_id: UUID


class PayCommission:
    """Admins only: mark a pending commission paid. Paying twice is a conflict. The audit
    log records the payment."""

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
            await self.uow.audit.add(audit.commission_paid(commission, cmd.actor_id, now))
            await self.uow.commit()
        return commission
