"""A subscription in force for a test's account, so that its scene may add cared persons,
devices and users (``limits.ensure_subscribed``). The package has no limits: the
package-limit gate stays out of the way as it did when the account had no package. Tests
of the gates themselves set their accounts up without one. No tests here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.billing_limits import Limits
from cuiot.domain.money import Money
from cuiot.domain.packages import BillingCycle, Package, PackageType, SupportLevel
from cuiot.domain.subscriptions import Subscription


def unlimited_package(package_id: UUID | None = None) -> Package:
    return Package(id=package_id or uuid4(), type=PackageType.PREMIUM, name="Sin límites",
                   price_monthly=Money(100), limits=Limits(), support_level=SupportLevel.EMAIL)


def in_force(package: Package, now: datetime, today: date, subscriber_id: UUID, *,
             account_id: UUID | None = None,
             institution_id: UUID | None = None) -> Subscription:
    """A monthly subscription of the account (or the institution), started ``today``."""
    return Subscription.start(id=uuid4(), subscriber_id=subscriber_id, package_id=package.id,
                              cycle=BillingCycle.MONTHLY, today=today, now=now,
                              account_id=account_id, institution_id=institution_id)


async def subscribe(uow: UnitOfWork, now: datetime, today: date, subscriber_id: UUID, *,
                    account_id: UUID | None = None, institution_id: UUID | None = None) -> None:
    """Through ``uow`` (in memory or SQL): the account (or the institution) on a package
    without limits, unless it has a subscription in force already."""
    async with uow:
        held = (await uow.subscriptions.list_for_account(account_id) if account_id
                else await uow.subscriptions.list_for_institution(institution_id))  # type: ignore[arg-type]
        if any(s.in_force_on(today) for s in held):
            return
        package = unlimited_package()
        await uow.packages.add(package)
        await uow.subscriptions.add(in_force(package, now, today, subscriber_id,
                                             account_id=account_id,
                                             institution_id=institution_id))
        await uow.commit()


async def subscribe_account(container: Any, user_id: UUID) -> None:
    """The same through an app's container (end-to-end and CLI tests)."""
    clock = container.clock()
    await subscribe(container.uow(), clock.now(), clock.today(), user_id, account_id=user_id)


async def subscribe_institution(container: Any, admin_id: UUID,
                                institution_id: UUID | str) -> None:
    clock = container.clock()
    await subscribe(container.uow(), clock.now(), clock.today(), admin_id,
                    institution_id=UUID(str(institution_id)))
