"""The audit log's rules: a closed set of actions, each about one kind of subject; an
entry's time in UTC; details that are plain, small and never a secret; and what each
change records."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from uuid import uuid4

import pytest

from cuiot.domain import audit_entries
from cuiot.domain.alerts import Alert, AlertStatus
from cuiot.domain.audit import (
    MAX_ITEMS,
    MAX_TEXT_CHARS,
    AuditAction,
    AuditEntry,
    SubjectType,
    action_label,
    changes,
)
from cuiot.domain.billing_limits import Limits
from cuiot.domain.errors import ValidationFailed
from cuiot.domain.money import Money
from cuiot.domain.packages import Package, PackageType, SupportLevel
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import Severity
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress

NOON = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
BUENOS_AIRES = timezone(timedelta(hours=-3))


def entry(**details: object) -> AuditEntry:
    return AuditEntry(AuditAction.ROLE_GRANTED, uuid4(), uuid4(), NOON, details)


def an_alert() -> Alert:
    return Alert.open(id=uuid4(), cared_person_id=uuid4(), device_pk=uuid4(),
                      alert_type="fall", severity=Severity.CRITICAL, at=NOON,
                      policy=DEFAULT_POLICY)


def a_package(**terms: object) -> Package:
    fields: dict = {"id": uuid4(), "type": PackageType.FAMILIAR, "name": "Familiar",
                    "price_monthly": Money(2_500_000, "ARS"), "limits": Limits(5, 8, 20),
                    "support_level": SupportLevel.CHAT, "features": ["alerts"]}
    return Package(**fields | terms)


@pytest.mark.parametrize(("action", "subject"), [
    (AuditAction.ALERT_ACKNOWLEDGED, SubjectType.ALERT),
    (AuditAction.ALERT_RESOLVED, SubjectType.ALERT),
    (AuditAction.ROLE_GRANTED, SubjectType.USER),
    (AuditAction.ROLE_REVOKED, SubjectType.USER),
    (AuditAction.REPRESENTATION_VERIFIED, SubjectType.REPRESENTATION),
    (AuditAction.INVOICE_PAID, SubjectType.INVOICE),
    (AuditAction.COMMISSION_PAID, SubjectType.COMMISSION),
    (AuditAction.PACKAGE_CREATED, SubjectType.PACKAGE),
    (AuditAction.PACKAGE_CHANGED, SubjectType.PACKAGE),
    (AuditAction.PACKAGE_DEACTIVATED, SubjectType.PACKAGE),
])
def test_each_action_is_done_to_one_kind_of_subject(action, subject):
    assert action.subject_type is subject
    assert AuditEntry(action, None, uuid4(), NOON).subject_type is subject
    assert action_label(action.value)  # every action has its words for people


def test_an_action_outside_the_set_is_refused():
    with pytest.raises(ValueError):
        AuditEntry("alert.deleted", None, uuid4(), NOON)  # type: ignore[arg-type]


def test_the_time_is_kept_in_utc_and_needs_its_zone():
    local = datetime(2026, 1, 15, 12, 0, tzinfo=BUENOS_AIRES)
    assert AuditEntry(AuditAction.INVOICE_PAID, None, uuid4(), local).at == NOON
    assert AuditEntry(AuditAction.INVOICE_PAID, None, uuid4(), local).at.tzinfo is UTC
    with pytest.raises(ValidationFailed):
        AuditEntry(AuditAction.INVOICE_PAID, None, uuid4(), datetime(2026, 1, 15, 12))


@pytest.mark.parametrize("key", ["password", "password_hash", "api_key", "token",
                                 "reset_tokens", "jwt-secret", "Salt"])
def test_details_never_hold_a_secret(key):
    with pytest.raises(ValidationFailed, match="never a secret"):
        entry(**{key: "x"})
    with pytest.raises(ValidationFailed, match="never a secret"):
        entry(changes={key: ["a", "b"]})  # nor deeper down


@pytest.mark.parametrize("value", [1.5, date(2026, 1, 1), {1: "x"}, object()])
def test_details_are_plain_json_without_floats(value):
    with pytest.raises(ValidationFailed):
        entry(value=value)


def test_details_are_a_copy_the_caller_cannot_change_afterwards():
    given = {"role": "caregiver", "more": {"a": [1, 2]}}
    recorded = AuditEntry(AuditAction.ROLE_GRANTED, None, uuid4(), NOON, given)
    given["role"], given["more"]["a"] = "admin", []  # type: ignore[index]
    assert recorded.details == {"role": "caregiver", "more": {"a": [1, 2]}}


def test_long_texts_and_lists_are_cut_and_say_so_never_refused():
    recorded = entry(name="x" * 500, features=[f"f{i}" for i in range(MAX_ITEMS + 5)])
    assert recorded.details["name"] == "x" * (MAX_TEXT_CHARS - 1) + "…"
    assert recorded.details["features"] == [f"f{i}" for i in range(MAX_ITEMS)] + ["… 5 more"]


def test_too_many_details_are_a_mistake():
    with pytest.raises(ValidationFailed, match="limited"):
        entry(**{f"k{i}": "x" * 90 for i in range(60)})


def test_changes_list_each_field_that_differs_with_before_and_after():
    assert changes({"name": "A", "price": 1, "same": True},
                   {"name": "B", "price": 1, "same": True, "new": 3}) == {
        "name": ["A", "B"], "new": [None, 3]}


def test_an_acknowledgement_from_a_link_records_its_channel_and_a_masked_address():
    alert = an_alert()
    alert.acknowledge(None, NOON, via="sms", recipient="+541155550102")
    recorded = audit_entries.alert_acknowledged(alert, None, NOON)
    assert (recorded.action, recorded.actor_id, recorded.subject_id) == (
        AuditAction.ALERT_ACKNOWLEDGED, None, alert.id)
    assert recorded.details == {"severity": "critical", "escalation_level": 1, "via": "sms",
                                "recipient": "+5411****0102"}


def test_a_resolution_records_what_the_alert_was_before():
    alert, by = an_alert(), uuid4()
    alert.resolve(by, NOON)
    recorded = audit_entries.alert_resolved(alert, by, NOON, AlertStatus.PENDING)
    assert recorded.details == {"severity": "critical", "status_before": "pending"}


def test_a_grant_records_the_role_and_when_it_ends():
    user = User(id=uuid4(), email=EmailAddress("carla@example.com"), password_hash="h",
                first_name="Carla", last_name="Ruiz", created_at=NOON)
    ends = datetime(2027, 1, 31, tzinfo=UTC)
    recorded = audit_entries.role_granted(user, Role.CAREGIVER, None, NOON, ends)
    assert (recorded.subject_id, recorded.details) == (
        user.id, {"role": "caregiver", "expires_at": "2027-01-31T00:00:00Z"})


def test_a_package_change_records_only_the_terms_that_changed():
    package, by = a_package(), uuid4()
    before = audit_entries.package_terms(package)
    package.update(type=package.type, name="Familiar Plus", price_monthly=Money(3_000_000, "ARS"),
                   price_yearly=None, limits=package.limits, support_level=package.support_level,
                   features=["alerts", "reports"])
    recorded = audit_entries.package_changed(package, before, by, NOON)
    assert recorded.details == {"changes": {
        "name": ["Familiar", "Familiar Plus"],
        "price_monthly_cents": [2_500_000, 3_000_000],
        "features": [["alerts"], ["alerts", "reports"]]}}


def test_a_package_with_every_feature_it_may_have_is_still_recorded():
    """The catalogue allows 50 features of 100 characters: the entry cuts the list, and
    the change it records is never refused for its size."""
    many = [f"{i:02d}" + "x" * 98 for i in range(50)]
    package = a_package(name="N" * 100, features=many)
    before = audit_entries.package_terms(package)
    package.update(type=package.type, name="M" * 100, price_monthly=package.price_monthly,
                   price_yearly=None, limits=package.limits,
                   support_level=package.support_level, features=list(reversed(many)))
    created = audit_entries.package_created(package, uuid4(), NOON)
    changed = audit_entries.package_changed(package, before, uuid4(), NOON)
    assert created.details["features"][-1] == "… 40 more"
    assert changed.details["changes"]["features"][0][-1] == "… 40 more"
