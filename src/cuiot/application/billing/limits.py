"""The gates of administrative actions (registering a device, inviting a user, adding a
cared person): a subscription in force (``ensure_subscribed``), then the package limits
(``ensure_within_limits``). Never called on the safety path: telemetry and alerts are
not gated by limits, by a suspended subscription or by having none.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from cuiot.application.billing.commands.usage import usage_of
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.billing_limits import Usage
from cuiot.domain.care import CaredPerson
from cuiot.domain.packages import Package
from cuiot.domain.policy import Policy
from cuiot.domain.subscriptions import GatedAction, Subscription, current_subscription
from cuiot.domain.subscriptions import ensure_subscribed as ensure_subscription_in_force
from cuiot.domain.users import User


async def current_package(
    uow: UnitOfWork, *, account_id: UUID | None = None, institution_id: UUID | None = None
) -> Package | None:
    """The package of the account's subscription in force (active, suspended, or
    cancelled but not yet expired); None when it has none."""
    if institution_id is not None:
        subscriptions = await uow.subscriptions.list_for_institution(institution_id)
    elif account_id is not None:
        subscriptions = await uow.subscriptions.list_for_account(account_id)
    else:
        return None
    subscription = current_subscription(subscriptions)
    return None if subscription is None else await uow.packages.get(subscription.package_id)


async def ensure_subscribed(
    uow: UnitOfWork,
    actor: User,
    action: GatedAction,
    *,
    account_id: UUID | None,
    institution_id: UUID | None = None,
    now: datetime,
    today: date,
) -> None:
    """Raise ``SubscriptionRequired`` unless the user's account or the institution the
    action adds to has a subscription in force (either pays for it). Admins (``actor``)
    are not gated, nor is an account's first cared person outside an institution (the
    first active one: a deactivated person counts for nothing, and coming back, the one
    reactivated is that first person when it is alone)."""
    subscriptions: list[Subscription] = []
    if account_id is not None:
        subscriptions += await uow.subscriptions.list_for_account(account_id)
    if institution_id is not None:
        subscriptions += await uow.subscriptions.list_for_institution(institution_id)
    first_person = (action in _ADDING_A_PERSON and institution_id is None
                    and account_id is not None
                    and not [p for p in await uow.cared_persons.list_for_account(account_id)
                             if p.is_active])
    ensure_subscription_in_force(subscriptions, action, today, by_admin=actor.is_admin(now),
                                 first_person=first_person)


_ADDING_A_PERSON = {GatedAction.ADD_CARED_PERSON, GatedAction.REACTIVATE_CARED_PERSON}


async def ensure_within_limits(
    uow: UnitOfWork,
    *,
    account_id: UUID | None,
    institution_id: UUID | None = None,
    adding: dict[str, int],
    policy: Policy,
) -> None:
    """Raise ``PackageLimitExceeded`` when the account's active package would be
    exceeded after ``adding`` (dimension → how many more: ``{"devices": 1}``,
    ``{"users": 1}``, ``{"patients": 1}``). Dimensions: users, devices, storage_gb,
    patients. An account without an active package is not gated here.

    Given both, the user's account and the institution are each checked against their
    own package (the account first, so two units of work lock them in the same order).
    A refusal reports the usage before the addition and what it requests; dimensions the
    package sets no limit for are not gated. The account stays locked until the caller's
    unit of work ends: a simultaneous check of it waits, then counts what this one wrote.
    """
    for account, institution in ((account_id, None), (None, institution_id)):
        if account is None and institution is None:
            continue
        await uow.subscriptions.lock_usage(account_id=account, institution_id=institution)
        package = await current_package(uow, account_id=account, institution_id=institution)
        if package is not None:
            usage = await usage_of(uow, account_id=account, institution_id=institution)
            package.ensure_fits(usage, adding)


async def ensure_usage_fits(
    uow: UnitOfWork, package: Package, *, account_id: UUID | None = None,
    institution_id: UUID | None = None
) -> None:
    """Raise ``PackageLimitExceeded`` when what the account uses now does not fit
    ``package`` (subscribing, downgrading). The account stays locked as above."""
    await uow.subscriptions.lock_usage(account_id=account_id, institution_id=institution_id)
    package.ensure_fits(await usage_of(uow, account_id=account_id,
                                       institution_id=institution_id))


async def ensure_room_for(uow: UnitOfWork, person: CaredPerson) -> None:
    """Raise ``PackageLimitExceeded`` unless the person's account (and institution) can
    take back a deactivated person: with their users, devices, storage and place as a
    patient, usage must fit the package. Locked as ``ensure_within_limits`` locks."""
    for account, institution in ((person.account_id, None), (None, person.institution_id)):
        if institution is None and account is None:
            continue
        await uow.subscriptions.lock_usage(account_id=account, institution_id=institution)
        package = await current_package(uow, account_id=account, institution_id=institution)
        if package is not None:
            before = await usage_of(uow, account_id=account, institution_id=institution)
            after = await usage_of(uow, account_id=account, institution_id=institution,
                                   counting=person.id)
            package.ensure_fits(before, _added(before, after))


def _added(before: Usage, after: Usage) -> dict[str, int]:
    return {"users": after.users - before.users, "devices": after.devices - before.devices,
            "storage_bytes": after.storage_bytes - before.storage_bytes,
            "patients": after.patients - before.patients}
