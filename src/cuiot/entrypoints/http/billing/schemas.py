"""Packages, subscriptions and invoices: request bodies and responses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, Field, StrictBool, StrictInt, StringConstraints

from cuiot.application.billing.commands.plan_changes import PlanChanged
from cuiot.application.billing.commands.subscriptions import Subscribed
from cuiot.application.billing.ports import InvoiceView, PackageView, SubscriptionView
from cuiot.domain.invoices import Invoice
from cuiot.domain.packages import Package
from cuiot.domain.subscriptions import Subscription
from cuiot.entrypoints.http.schemas import MoneyOut, Strict

MAX_CENTS = 10**12  # ten billion in currency units: far above any price, far below BIGINT
MAX_LIMIT = 2**31 - 1  # the limits are INTEGER columns

PackageType = Literal["basic", "familiar", "premium", "professional", "institutional"]
SupportLevel = Literal["email", "chat", "phone", "24/7"]
BillingCycle = Literal["monthly", "yearly"]


def _without_nul(value: str) -> str:
    """PostgreSQL stores no NUL character: refuse it here (422), not at the INSERT (500)."""
    if "\x00" in value:
        raise ValueError("text may not contain the NUL character")
    return value


Text = Annotated[str, AfterValidator(_without_nul)]
Feature = Annotated[Text, StringConstraints(min_length=1, max_length=100)]


class PackageIn(Strict):
    """A package's terms: all of them, when creating and when replacing (PUT)."""

    type: PackageType = Field(examples=["familiar"])
    name: Text = Field(min_length=1, max_length=100, examples=["Familiar"])
    price_monthly_cents: StrictInt = Field(ge=0, le=MAX_CENTS, examples=[2_500_000])
    price_yearly_cents: StrictInt | None = Field(
        default=None, ge=0, le=MAX_CENTS, examples=[25_000_000],
        description="Absent: 12 × the monthly price")
    currency: Text = Field(default="ARS", min_length=3, max_length=3, examples=["ARS"])
    max_users: StrictInt | None = Field(ge=1, le=MAX_LIMIT, examples=[5],
                                        description="null: no limit")
    max_devices: StrictInt | None = Field(ge=1, le=MAX_LIMIT, examples=[8],
                                          description="null: no limit")
    max_storage_gb: StrictInt | None = Field(ge=1, le=MAX_LIMIT, examples=[20],
                                             description="null: no limit")
    max_patients: StrictInt | None = Field(
        default=None, ge=1, le=MAX_LIMIT, examples=[None],
        description="Institutional packages only (and required for them)")
    support_level: SupportLevel = Field(examples=["chat"])
    features: list[Feature] = Field(default_factory=list, max_length=50,
                                    examples=[["alerts", "family_app"]])

    def terms(self) -> dict[str, Any]:
        """The fields of a create or update command (without the actor)."""
        return self.model_dump() | {"features": tuple(self.features)}


class PackageOut(BaseModel):
    id: UUID
    type: str = Field(examples=["familiar"])
    name: str = Field(examples=["Familiar"])
    price_monthly: MoneyOut
    price_yearly: MoneyOut = Field(description="The yearly price (12 × monthly when not set)")
    max_users: int | None
    max_devices: int | None
    max_storage_gb: int | None
    max_patients: int | None
    support_level: str = Field(examples=["chat"])
    features: list[str]
    is_active: bool

    @classmethod
    def of(cls, package: Package) -> PackageOut:
        limits = package.limits
        return cls(id=package.id, type=package.type.value, name=package.name,
                   price_monthly=MoneyOut.of(package.price_monthly),
                   price_yearly=MoneyOut.of(package.yearly_price),
                   max_users=limits.max_users, max_devices=limits.max_devices,
                   max_storage_gb=limits.max_storage_gb, max_patients=limits.max_patients,
                   support_level=package.support_level.value, features=list(package.features),
                   is_active=package.is_active)

    @classmethod
    def of_view(cls, package: PackageView) -> PackageOut:
        return cls(id=package.id, type=package.type, name=package.name,
                   price_monthly=MoneyOut.of(package.price_monthly),
                   price_yearly=MoneyOut.of(package.price_yearly),
                   max_users=package.max_users, max_devices=package.max_devices,
                   max_storage_gb=package.max_storage_gb, max_patients=package.max_patients,
                   support_level=package.support_level, features=list(package.features),
                   is_active=package.is_active)


class SubscribeIn(Strict):
    package_id: UUID = Field(examples=["3f2b8c1e-6a47-4d0b-9a51-2c7e4b0f9d11"])
    billing_cycle: BillingCycle = Field(examples=["monthly"])
    cared_person_id: UUID | None = Field(
        default=None, examples=["0b6f7c1a-2d3e-4f50-8a9b-1c2d3e4f5a6b"],
        description="For a cared person's account (self care, or as their representative)")
    institution_id: UUID | None = Field(default=None, examples=[None],
                                        description="For an institution (its admin only)")
    auto_renew: StrictBool = Field(default=True, examples=[True])
    payment_method: Text | None = Field(default=None, max_length=50, examples=["card"])


class InstitutionSubscribeIn(Strict):
    institution_id: UUID = Field(examples=["7c9e6679-7425-40de-944b-e07fc1f90ae7"])
    package_id: UUID = Field(examples=["3f2b8c1e-6a47-4d0b-9a51-2c7e4b0f9d11"])
    billing_cycle: BillingCycle = Field(examples=["yearly"])
    auto_renew: StrictBool = Field(default=True, examples=[True])
    payment_method: Text | None = Field(default=None, max_length=50, examples=["transfer"])


class ChangePlanIn(Strict):
    package_id: UUID = Field(examples=["3f2b8c1e-6a47-4d0b-9a51-2c7e4b0f9d11"])


class SubscriptionOut(BaseModel):
    id: UUID
    package_id: UUID
    scheduled_package_id: UUID | None = Field(description="A downgrade due at the next renewal")
    billing_cycle: str = Field(examples=["monthly"])
    status: str = Field(examples=["active"])
    subscriber_id: UUID
    account_id: UUID | None
    institution_id: UUID | None
    cared_person_id: UUID | None
    start_date: date
    current_period_start: date
    current_period_end: date = Field(description="The day the next period starts")
    end_date: date | None = Field(description="Usable until this day (cancelled, no renewal)")
    auto_renew: bool
    payment_method: str | None
    cancelled_at: datetime | None
    suspended_on: date | None
    created_at: datetime

    @classmethod
    def of(cls, sub: Subscription) -> SubscriptionOut:
        return cls(id=sub.id, package_id=sub.package_id,
                   scheduled_package_id=sub.scheduled_package_id,
                   billing_cycle=sub.billing_cycle.value, status=sub.status.value,
                   subscriber_id=sub.subscriber_id, account_id=sub.account_id,
                   institution_id=sub.institution_id, cared_person_id=sub.cared_person_id,
                   start_date=sub.start_date, current_period_start=sub.current_period_start,
                   current_period_end=sub.current_period_end, end_date=sub.end_date,
                   auto_renew=sub.auto_renew, payment_method=sub.payment_method,
                   cancelled_at=sub.cancelled_at, suspended_on=sub.suspended_on,
                   created_at=sub.created_at)

    @classmethod
    def of_view(cls, sub: SubscriptionView) -> SubscriptionOut:
        return cls.model_validate(sub, from_attributes=True)


class InvoiceOut(BaseModel):
    id: UUID
    number: str = Field(examples=["CU-2026-000001"])
    subscription_id: UUID
    kind: str = Field(examples=["period"], description="period, or proration (an upgrade)")
    status: str = Field(examples=["pending"])
    amount: MoneyOut = Field(description="Net amount")
    tax: MoneyOut = Field(description="IVA on the amount")
    total: MoneyOut = Field(description="amount + tax")
    issue_date: date
    due_date: date
    period_start: date
    period_end: date = Field(description="Exclusive: the day after the billed stretch")
    created_at: datetime
    paid_at: datetime | None

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceOut:
        return cls(id=invoice.id, number=invoice.number, subscription_id=invoice.subscription_id,
                   kind=invoice.kind.value, status=invoice.status.value,
                   amount=MoneyOut.of(invoice.amount), tax=MoneyOut.of(invoice.tax),
                   total=MoneyOut.of(invoice.total), issue_date=invoice.issue_date,
                   due_date=invoice.due_date, period_start=invoice.period_start,
                   period_end=invoice.period_end, created_at=invoice.created_at,
                   paid_at=invoice.paid_at)

    @classmethod
    def of_view(cls, invoice: InvoiceView) -> InvoiceOut:
        return cls(id=invoice.id, number=invoice.number, subscription_id=invoice.subscription_id,
                   kind=invoice.kind, status=invoice.status,
                   amount=MoneyOut.of(invoice.amount), tax=MoneyOut.of(invoice.tax),
                   total=MoneyOut.of(invoice.total), issue_date=invoice.issue_date,
                   due_date=invoice.due_date, period_start=invoice.period_start,
                   period_end=invoice.period_end, created_at=invoice.created_at,
                   paid_at=invoice.paid_at)


class SubscribedOut(BaseModel):
    subscription: SubscriptionOut
    invoice: InvoiceOut = Field(description="The first period's invoice")

    @classmethod
    def of(cls, done: Subscribed) -> SubscribedOut:
        return cls(subscription=SubscriptionOut.of(done.subscription),
                   invoice=InvoiceOut.of(done.invoice))


class PlanChangedOut(BaseModel):
    subscription: SubscriptionOut
    invoice: InvoiceOut | None = Field(description="The prorated difference of an upgrade")
    scheduled: bool = Field(description="True for a downgrade, applied at the next renewal")

    @classmethod
    def of(cls, done: PlanChanged) -> PlanChangedOut:
        return cls(subscription=SubscriptionOut.of(done.subscription),
                   invoice=None if done.invoice is None else InvoiceOut.of(done.invoice),
                   scheduled=done.scheduled)
