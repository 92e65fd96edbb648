from __future__ import annotations

from uuid import UUID

import pytest

from cuiot.domain.billing_limits import BYTES_PER_GB, Limits, Usage, gigabytes
from cuiot.domain.errors import InvalidStateTransition, PackageLimitExceeded, ValidationFailed
from cuiot.domain.money import Money
from cuiot.domain.packages import (
    BillingCycle,
    Package,
    PackageType,
    SupportLevel,
    default_catalogue,
)
from tests.fakes.system import SequentialIdGenerator


def _package(**changes) -> Package:
    fields = {"id": UUID(int=1), "type": PackageType.BASIC, "name": "Básico",
              "price_monthly": Money(1_500_000), "limits": Limits(2, 3, 5),
              "support_level": SupportLevel.EMAIL}
    return Package(**{**fields, **changes})


CATALOGUE = {p.type.value: p for p in default_catalogue(SequentialIdGenerator().new_id)}


@pytest.mark.parametrize(
    "type_, monthly, yearly, users, devices, storage, patients, support",
    [
        ("basic", 1_500_000, 15_000_000, 2, 3, 5, None, "email"),
        ("familiar", 2_500_000, 25_000_000, 5, 8, 20, None, "chat"),
        ("premium", 4_500_000, 45_000_000, 10, 20, 100, None, "phone"),
        ("professional", 8_000_000, 80_000_000, 25, 50, 250, None, "24/7"),
        ("institutional", 30_000_000, 300_000_000, 100, 500, 2_000, 100, "24/7"),
    ],
)
def test_default_catalogue_matches_the_table(type_, monthly, yearly, users, devices, storage,
                                            patients, support):
    package = CATALOGUE[type_]
    assert package.price_monthly == Money(monthly)
    assert package.price_for(BillingCycle.YEARLY) == Money(yearly)
    assert package.limits == Limits(users, devices, storage, patients)
    assert package.support_level.value == support
    assert package.is_active and package.features


def test_yearly_price_defaults_to_twelve_months():
    package = _package(price_monthly=Money(1_000), price_yearly=None)
    assert package.price_for(BillingCycle.YEARLY) == Money(12_000)
    assert package.price_for(BillingCycle.MONTHLY) == Money(1_000)


def test_a_free_yearly_price_is_kept():
    assert _package(price_yearly=Money(0)).price_for(BillingCycle.YEARLY) == Money(0)


def test_monthly_equivalent_of_a_yearly_price_is_a_twelfth_half_up():
    package = _package(price_monthly=Money(1_000), price_yearly=Money(10_006))
    assert package.monthly_equivalent(BillingCycle.YEARLY) == Money(834)  # 833.83
    assert package.monthly_equivalent(BillingCycle.MONTHLY) == Money(1_000)
    assert _package(price_yearly=Money(18)).monthly_equivalent(BillingCycle.YEARLY) == Money(2)


@pytest.mark.parametrize("changes", [
    {"name": "  "},
    {"price_monthly": Money(-1)},
    {"price_yearly": Money(100, "USD")},
    {"limits": Limits(2, 3, 5, max_patients=10)},
    {"type": PackageType.INSTITUTIONAL},
])
def test_package_terms_are_validated(changes):
    with pytest.raises(ValidationFailed):
        _package(**changes)


def test_limits_refuse_negative_or_non_integer_values():
    with pytest.raises(ValidationFailed):
        Limits(max_users=-1)
    with pytest.raises(ValidationFailed):
        Usage(devices=True)  # type: ignore[arg-type]


def test_update_replaces_terms_and_validates_them():
    package = _package()
    package.update(type=PackageType.FAMILIAR, name=" Familia ", price_monthly=Money(2_000),
                   price_yearly=None, limits=Limits(5, 8, 20), support_level=SupportLevel.CHAT,
                   features=["alerts"])
    assert (package.name, package.price_monthly, package.features) == ("Familia", Money(2_000),
                                                                       ["alerts"])
    with pytest.raises(ValidationFailed):
        package.update(type=PackageType.INSTITUTIONAL, name="x", price_monthly=Money(1),
                       price_yearly=None, limits=Limits(1, 1, 1), support_level=SupportLevel.CHAT,
                       features=[])
    assert package.type is PackageType.FAMILIAR


def test_deactivate_twice_is_refused():
    package = _package()
    package.deactivate()
    assert not package.is_active
    with pytest.raises(InvalidStateTransition):
        package.deactivate()


@pytest.mark.parametrize("for_institution, type_, ok", [
    (True, PackageType.INSTITUTIONAL, True), (False, PackageType.BASIC, True),
    (True, PackageType.PREMIUM, False), (False, PackageType.INSTITUTIONAL, False),
])
def test_institutional_packages_suit_institutions_only(for_institution, type_, ok):
    package = CATALOGUE[type_.value]
    if ok:
        package.ensure_suits(for_institution)
    else:
        with pytest.raises(ValidationFailed):
            package.ensure_suits(for_institution)


# --- limits -------------------------------------------------------------------------
LIMITS = Limits(max_users=5, max_devices=8, max_storage_gb=20)


@pytest.mark.parametrize("usage, exceeded", [
    (Usage(users=5, devices=8, storage_bytes=20 * BYTES_PER_GB), []),
    (Usage(users=4, devices=7, storage_bytes=20 * BYTES_PER_GB - 1), []),
    (Usage(devices=9), [{"dimension": "devices", "used": 9, "requested": 0, "limit": 8}]),
    (Usage(users=6), [{"dimension": "users", "used": 6, "requested": 0, "limit": 5}]),
    (Usage(storage_bytes=20 * BYTES_PER_GB + 1),
     [{"dimension": "storage_gb", "used": 20.01, "requested": 0, "limit": 20}]),
])
def test_exactly_at_a_limit_fits_and_one_over_does_not(usage, exceeded):
    assert LIMITS.exceeded_by(usage) == exceeded


def test_every_exceeded_dimension_is_listed_in_order():
    limits = Limits(2, 3, 5, 10)
    usage = Usage(users=3, devices=4, storage_bytes=6 * BYTES_PER_GB, patients=11)
    with pytest.raises(PackageLimitExceeded) as refusal:
        limits.ensure_fit(usage)
    assert [e["dimension"] for e in refusal.value.exceeded] == [
        "users", "devices", "storage_gb", "patients"]
    assert refusal.value.code == "package_limit_exceeded"
    assert "devices 4, limit 3" in refusal.value.message


@pytest.mark.parametrize("usage, adding, exceeded", [
    (Usage(devices=7), {"devices": 1}, []),
    (Usage(devices=8), {"devices": 1},
     [{"dimension": "devices", "used": 8, "requested": 1, "limit": 8}]),
    (Usage(devices=6), {"devices": 3},
     [{"dimension": "devices", "used": 6, "requested": 3, "limit": 8}]),
    (Usage(users=5), {"users": 1}, [{"dimension": "users", "used": 5, "requested": 1, "limit": 5}]),
    (Usage(storage_bytes=19 * BYTES_PER_GB + 1), {"storage_gb": 1},
     [{"dimension": "storage_gb", "used": 19.01, "requested": 1.0, "limit": 20}]),
])
def test_a_refused_addition_reports_the_usage_before_it_and_what_it_requests(
        usage, adding, exceeded):
    assert LIMITS.exceeded_by(usage, adding) == exceeded


def test_the_refusal_message_names_what_was_requested():
    with pytest.raises(PackageLimitExceeded) as refusal:
        LIMITS.ensure_fit(Usage(devices=8), {"devices": 1})
    assert "devices 8 + 1 requested, limit 8" in refusal.value.message


def test_no_limit_means_not_gated():
    assert Limits().exceeded_by(Usage(users=10**6, devices=10**6, storage_bytes=10**15)) == []


def test_usage_plus_adds_each_dimension():
    usage = Usage(users=1, devices=2, storage_bytes=3, patients=4)
    more = usage.plus({"users": 1, "devices": 2, "patients": 3, "storage_gb": 1,
                       "storage_bytes": 7})
    assert more == Usage(users=2, devices=4, storage_bytes=3 + BYTES_PER_GB + 7, patients=7)
    with pytest.raises(ValidationFailed):
        usage.plus({"cameras": 1})


@pytest.mark.parametrize("stored, shown", [
    (0, 0.0), (BYTES_PER_GB, 1.0), (BYTES_PER_GB + 1, 1.01), (1_234_000_000, 1.24),
])
def test_storage_is_shown_in_gigabytes_rounded_up(stored, shown):
    assert gigabytes(stored) == shown


@pytest.mark.parametrize("field", ["max_users", "max_devices", "max_storage_gb", "max_patients"])
def test_a_limit_of_zero_is_refused_rather_than_blocking_everything(field):
    from cuiot.domain.billing_limits import Limits
    from cuiot.domain.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        Limits(**{field: 0})
    assert refused.value.details["field"] == field
