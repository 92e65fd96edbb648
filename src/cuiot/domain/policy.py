"""Every number of DOMAIN.md that an admin may change, held in one place.

The application builds a ``Policy`` (from settings) and passes it to the domain; the
domain never reads a number from anywhere else. The defaults here are the documented
defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from cuiot.domain.money import Money, Percentage


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


# The documented defaults of the value-object fields: frozen, so one shared instance each
# (as a call in the field's default would be).
DEFAULT_TAX_RATE = Percentage(Decimal("21"))
DEFAULT_BONUS_AMOUNT = Money(500_000)


@dataclass(frozen=True, slots=True)
class CommissionRates:
    first_month: Percentage
    recurring: Percentage


@dataclass(frozen=True, slots=True)
class Policy:
    # 1. Legal capacity
    age_of_majority: int = 18
    timezone: str = "America/Argentina/Buenos_Aires"

    # 2. Subscriptions and invoices
    currency: str = "ARS"
    tax_rate: Percentage = DEFAULT_TAX_RATE
    invoice_due_days: int = 10
    suspend_after_overdue_days: int = 15
    months_per_year: int = 12

    # 3. Referrals and commissions
    referral_code_alphabet: str = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    referral_code_length: int = 8
    referral_pending_days: int = 30
    referral_registered_days: int = 90
    commission_rates: Mapping[str, CommissionRates] = field(
        default_factory=lambda: _frozen({
            "caregiver": CommissionRates(Percentage.of(20), Percentage.of(5)),
            "institution": CommissionRates(Percentage.of(15), Percentage.of(5)),
            "family": CommissionRates(Percentage.of(10), Percentage.of(0)),
            "cared_person": CommissionRates(Percentage.of(10), Percentage.of(0)),
        })
    )
    recurring_commission_months: int = 12
    bonus_every_n_conversions: int = 5
    bonus_amount: Money = DEFAULT_BONUS_AMOUNT
    commission_cancel_window_days: int = 30

    # 4. Reviews and scores
    review_prior_weight: int = 5
    review_default_mean: Decimal = Decimal("3.0")
    review_comment_max_chars: int = 2000

    # 5. Event classification (defaults; device config and cared person override)
    bp_critical_systolic_above: int = 180
    bp_critical_diastolic_above: int = 120
    bp_high_systolic_at_least: int = 140
    bp_high_diastolic_at_least: int = 90
    bp_low_systolic_at_most: int = 90
    bp_low_diastolic_at_most: int = 60
    pulse_low_below: int = 40
    pulse_high_above: int = 130
    gas_co_critical_ppm: Decimal = Decimal("50")
    gas_smoke_critical_mg_m3: Decimal = Decimal("0.1")
    gas_co2_medium_ppm: Decimal = Decimal("1000")
    battery_low_below: int = 20
    battery_medium_below: int = 10
    heartbeat_default: timedelta = timedelta(minutes=5)
    heartbeat_max: timedelta = timedelta(hours=24)  # a silent device must never go unnoticed
    heartbeats_missed_for_offline: int = 3
    inactivity_after: timedelta = timedelta(hours=4)
    inactivity_window_start: time = time(7, 0)
    inactivity_window_end: time = time(22, 0)
    device_command_timeout: timedelta = timedelta(seconds=30)  # a command's reply deadline

    # 6. Alerts and escalation
    escalation_timeouts: Mapping[str, timedelta] = field(
        default_factory=lambda: _frozen({
            "critical": timedelta(minutes=2),
            "high": timedelta(minutes=5),
            "medium": timedelta(minutes=15),
        })
    )
    escalation_max_level: int = 3
    escalation_repeats_at_max_level: int = 3
    notification_max_attempts: int = 5
    notification_backoff_base: timedelta = timedelta(seconds=2)
    # Protection state (``coverage``): how far back the outbox tells whether anyone was
    # reached. A low battery is ``battery_low_below`` above.
    coverage_delivery_window: timedelta = timedelta(hours=24)
    # Device messages refused at the door are kept for a person to inspect: for
    # ``rejected_messages_kept_for``, and never more than the newest
    # ``rejected_messages_kept_most`` (a device flooding nonsense must not fill the disk).
    rejected_messages_kept_for: timedelta = timedelta(days=30)
    rejected_messages_kept_most: int = 100_000

    # 7. Authentication
    access_token_minutes: int = 30
    refresh_token_days: int = 7
    password_reset_minutes: int = 30
    # Failed logins slow the client that makes them, never the account holder elsewhere:
    # per client address and email, the first ``login_failures_allowed`` cost nothing;
    # each later one makes that client wait, from ``login_backoff_base`` doubling up to
    # ``login_backoff_max``. The count is kept ``login_failure_memory`` after the first
    # failure (or until a success), so the waits do not start over every few minutes.
    # An address failing ``login_failures_per_address`` times (any emails) within
    # ``login_failure_window`` is refused until that window ends.
    login_failures_allowed: int = 5
    login_failure_memory: timedelta = timedelta(hours=24)
    login_failure_window: timedelta = timedelta(minutes=15)
    login_backoff_base: timedelta = timedelta(seconds=1)
    login_backoff_max: timedelta = timedelta(minutes=15)
    login_failures_per_address: int = 100
    password_reset_emails_allowed: int = 3  # per address and window: no mail bombing
    password_reset_email_window: timedelta = timedelta(hours=1)

    def commission_rates_for(self, referrer_type: str) -> CommissionRates:
        return self.commission_rates[referrer_type]

    def escalation_timeout(self, severity: str) -> timedelta:
        return self.escalation_timeouts[severity]


DEFAULT_POLICY = Policy()
