"""``cuiot referrals`` and ``cuiot commissions``: the referral programme's admin jobs."""

from __future__ import annotations

from typing import Any

import typer

from cuiot.adapters.persistence.views.referrals import SqlReferralViews
from cuiot.application.referrals.commands.commissions import PayCommission, PayCommissionCommand
from cuiot.application.referrals.commands.referrals import ExpireReferrals
from cuiot.application.referrals.ports import CommissionRecord
from cuiot.application.referrals.queries.commissions import ListCommissions, ListCommissionsQuery
from cuiot.application.shared.id_prefixes import IdKind
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.referrals import Commission
from cuiot.entrypoints.cli.arguments import LIMIT, OFFSET, full_id, id_argument, window
from cuiot.entrypoints.cli.output import Page, console, emit, emit_one
from cuiot.entrypoints.cli.runtime import admin_actor, run
from cuiot.entrypoints.cli.users import AS_ADMIN, JSON
from cuiot.entrypoints.container import Container, use_case

referrals_app = typer.Typer(help="Referral codes.", no_args_is_help=True)
commissions_app = typer.Typer(help="Referral commissions.", no_args_is_help=True)

COLUMNS = {"id": "id", "referrer_id": "referrer", "type": "type", "period": "period",
           "amount": "amount", "status": "status", "paid_at": "paid"}
COMMISSION_ID = id_argument(IdKind.COMMISSION)


def commission_row(c: Commission | CommissionRecord) -> dict[str, Any]:
    return {"id": c.id, "referral_id": c.referral_id, "referrer_id": c.referrer_id,
            "type": c.type, "period": c.period, "base": c.base, "percentage": c.percentage.value,
            "amount": c.amount, "status": c.status, "created_at": c.created_at,
            "paid_at": c.paid_at}


@referrals_app.command("expire")
def expire(json_: bool = JSON) -> None:
    """Expire referrals past their window (pending 30 days, registered 90). Idempotent."""

    async def work(c: Container) -> int:
        return await use_case(c, ExpireReferrals)()

    count = run(work)
    if json_:
        emit_one({"expired": count}, True)
    else:
        console.print(f"expired {count} referral{'s' if count != 1 else ''}")


@commissions_app.command("list")
def list_commissions(status: str | None = typer.Option(None, help="pending, paid or cancelled"),
                     offset: int = OFFSET, limit: int = LIMIT,
                     as_: str | None = AS_ADMIN, json_: bool = JSON) -> None:
    """List commissions, oldest period first."""
    page = window(offset, limit)

    async def work(c: Container) -> Page:
        actor = await admin_actor(c, as_)  # an active admin
        query = ListCommissionsQuery(Viewer(actor, is_admin=True), status,
                                     Window(offset, limit + 1))  # this view reads no extra row
        async with c.read_side().transaction() as conn:
            found = await ListCommissions(SqlReferralViews(conn), clock=c.clock())(query)
        return Page.of([commission_row(x) for x in found], page)

    emit(run(work), COLUMNS, json_, "Commissions")


@commissions_app.command("pay")
def pay(commission_id: str = COMMISSION_ID, as_: str | None = AS_ADMIN, json_: bool = JSON) -> None:
    """Mark a commission paid (paying twice is refused)."""

    async def work(c: Container) -> dict[str, Any]:
        actor = await admin_actor(c, as_)
        command = PayCommissionCommand(actor, await full_id(c, IdKind.COMMISSION, commission_id))
        paid = await use_case(c, PayCommission)(command)
        return commission_row(paid)

    emit_one(run(work), json_, "Commission paid")
