"""Packages: what an account may buy, at what price and with which limits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

from cuiot.domain.billing_limits import Limits, Usage
from cuiot.domain.errors import InvalidStateTransition, ValidationFailed
from cuiot.domain.money import Money

MONTHS_PER_YEAR = 12


class PackageType(StrEnum):
    BASIC = "basic"
    FAMILIAR = "familiar"
    PREMIUM = "premium"
    PROFESSIONAL = "professional"
    INSTITUTIONAL = "institutional"


class SupportLevel(StrEnum):
    EMAIL = "email"
    CHAT = "chat"
    PHONE = "phone"
    ALWAYS = "24/7"


class BillingCycle(StrEnum):
    MONTHLY = "monthly"
    YEARLY = "yearly"


def _check_terms(
    type_: PackageType, name: str, monthly: Money, yearly: Money | None, limits: Limits
) -> None:
    if not name.strip():
        raise ValidationFailed("a package needs a name", field="name")
    for price in (monthly, yearly):
        if price is not None and (price.is_negative() or price.currency != monthly.currency):
            raise ValidationFailed("prices are amounts >= 0 in one currency", field="price")
    institutional = type_ is PackageType.INSTITUTIONAL
    if institutional != (limits.max_patients is not None):
        raise ValidationFailed("max_patients is set for institutional packages only",
                               field="max_patients")


@dataclass(eq=False)
class Package:
    id: UUID
    type: PackageType
    name: str
    price_monthly: Money
    limits: Limits
    support_level: SupportLevel
    features: list[str] = field(default_factory=list)
    price_yearly: Money | None = None  # None: 12 × monthly
    is_active: bool = True

    def __post_init__(self) -> None:
        _check_terms(self.type, self.name, self.price_monthly, self.price_yearly, self.limits)

    @property
    def yearly_price(self) -> Money:
        if self.price_yearly is not None:
            return self.price_yearly
        return self.price_monthly.times(MONTHS_PER_YEAR)

    @property
    def is_institutional(self) -> bool:
        return self.type is PackageType.INSTITUTIONAL

    def price_for(self, cycle: BillingCycle) -> Money:
        """The price of one billing period."""
        return self.price_monthly if cycle is BillingCycle.MONTHLY else self.yearly_price

    def monthly_equivalent(self, cycle: BillingCycle) -> Money:
        """What one month costs on ``cycle``: the yearly price / 12, half-up, for yearly."""
        return self.price_monthly if cycle is BillingCycle.MONTHLY else (
            self.yearly_price.divide(MONTHS_PER_YEAR))

    def ensure_suits(self, for_institution: bool) -> None:
        """Institutional packages are for institutions, the others for users' accounts."""
        if self.is_institutional != for_institution:
            raise ValidationFailed(
                "institutional packages are for institutions only, the others for users",
                field="package_id", package_type=self.type.value)

    def ensure_fits(self, usage: Usage, adding: Mapping[str, int] | None = None) -> None:
        """Raise ``PackageLimitExceeded`` when ``usage`` (plus ``adding``) goes over any
        of the limits."""
        self.limits.ensure_fit(usage, adding)

    def update(self, *, type: PackageType, name: str, price_monthly: Money,
               price_yearly: Money | None, limits: Limits, support_level: SupportLevel,
               features: list[str]) -> None:
        """Replace the package's terms (existing subscriptions keep the package id)."""
        _check_terms(type, name, price_monthly, price_yearly, limits)
        self.type, self.name, self.limits = type, name.strip(), limits
        self.price_monthly, self.price_yearly = price_monthly, price_yearly
        self.support_level, self.features = support_level, list(features)

    def deactivate(self) -> None:
        """No longer offered; subscriptions already on it carry on."""
        if not self.is_active:
            raise InvalidStateTransition("package", "inactive", "deactivate")
        self.is_active = False


_CATALOGUE = [
    # type, name, monthly ARS, users, devices, storage GB, patients, support, features
    (PackageType.BASIC, "Básico", 15_000, 2, 3, 5, None, SupportLevel.EMAIL,
     ["alerts", "family_app"]),
    (PackageType.FAMILIAR, "Familiar", 25_000, 5, 8, 20, None, SupportLevel.CHAT,
     ["alerts", "family_app", "caregiver_app"]),
    (PackageType.PREMIUM, "Premium", 45_000, 10, 20, 100, None, SupportLevel.PHONE,
     ["alerts", "family_app", "caregiver_app", "reports"]),
    (PackageType.PROFESSIONAL, "Profesional", 80_000, 25, 50, 250, None, SupportLevel.ALWAYS,
     ["alerts", "family_app", "caregiver_app", "reports", "api_access"]),
    (PackageType.INSTITUTIONAL, "Institucional", 300_000, 100, 500, 2_000, 100,
     SupportLevel.ALWAYS,
     ["alerts", "caregiver_app", "reports", "api_access", "on_call_staff"]),
]


def default_catalogue(new_id: Callable[[], UUID], currency: str = "ARS") -> list[Package]:
    """The seed catalogue of DOMAIN.md: yearly prices are ten monthly prices."""
    return [
        Package(
            id=new_id(), type=type_, name=name,
            price_monthly=Money(monthly * 100, currency),
            price_yearly=Money(monthly * 100 * 10, currency),
            limits=Limits(users, devices, storage, patients),
            support_level=support, features=list(features),
        )
        for type_, name, monthly, users, devices, storage, patients, support, features
        in _CATALOGUE
    ]
