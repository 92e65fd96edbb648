"""Deactivating and erasing, as the domain rules them: a cared person, a user, a queued
notification given up, the audit entries they leave."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from cuiot.domain import audit_entries as audit
from cuiot.domain.audit import AuditAction, SubjectType
from cuiot.domain.care import CaredPerson, EmergencyContact, ResponderInfo
from cuiot.domain.errors import InvalidStateTransition, MonitoringStopped
from cuiot.domain.notifications import ERASED, SECRET_KEYS, Channel, DeliveryStatus, Notification
from cuiot.domain.responders import ChannelChoice, PushToken
from cuiot.domain.users import UNUSABLE_PASSWORD, User, erased_email
from cuiot.domain.values import EmailAddress

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)


def rosa() -> CaredPerson:
    return CaredPerson(
        id=uuid4(), account_id=uuid4(), first_name="Rosa", last_name="Fernández",
        date_of_birth=date(1940, 3, 1), created_at=NOW, thresholds={"systolic_high": 150},
        emergency_contacts=[EmergencyContact("Juan", "juan@example.com", "+541155550102")],
        responder_info=ResponderInfo(address="Av. Rivadavia 1234", conditions=("diabetes",),
                                     doctor_name="Dra. Paz", doctor_phone="+54 11 4555-0000"),
        last_activity_at=NOW)


def lucia() -> User:
    user = User(id=uuid4(), email=EmailAddress("lucia@example.com"), password_hash="h",
                first_name="Lucía", last_name="Paz", created_at=NOW, phone="+54 11 5555",
                date_of_birth=date(1980, 5, 1))
    user.choose_channels(ChannelChoice(email=False, sms=True, push=False), "+541155550102")
    user.register_push_token(PushToken(uuid4(), "phone-token", NOW))
    return user


def test_a_deactivated_person_comes_back_as_they_were() -> None:
    person = rosa()
    person.deactivate(NOW)
    assert (person.is_active, person.deactivated_at) == (False, NOW)
    with pytest.raises(InvalidStateTransition):
        person.deactivate(NOW)
    person.reactivate()
    assert person.is_active and person.deactivated_at is None
    assert person.full_name == "Rosa Fernández" and person.thresholds == {"systolic_high": 150}
    with pytest.raises(InvalidStateTransition):
        person.reactivate()


def test_a_person_is_erased_only_once_deactivated_and_never_comes_back() -> None:
    person = rosa()
    with pytest.raises(InvalidStateTransition) as active:
        person.erase(NOW)
    assert active.value.details["status"] == "active"
    person.deactivate(NOW)
    person.erase(NOW + timedelta(days=1))
    assert (person.full_name, person.date_of_birth, person.last_activity_at) == (
        "Erased person", None, None)
    assert (person.responder_info, person.emergency_contacts, person.thresholds) == (
        ResponderInfo(), [], {})
    assert person.erased_at == NOW + timedelta(days=1)
    for again in (lambda: person.erase(NOW), person.reactivate):
        with pytest.raises(InvalidStateTransition) as refused:
            again()
        assert refused.value.details["status"] == "erased"


def test_a_user_is_deactivated_reactivated_and_erased_in_that_order() -> None:
    user = lucia()
    with pytest.raises(InvalidStateTransition):
        user.erase(NOW)
    user.deactivate(NOW)
    assert (user.is_active, user.deactivated_at) == (False, NOW)
    with pytest.raises(InvalidStateTransition):
        user.deactivate(NOW)
    user.reactivate()
    assert user.is_active and user.deactivated_at is None
    user.deactivate(NOW)
    user.erase(NOW)
    with pytest.raises(InvalidStateTransition):
        user.reactivate()


def test_an_erased_user_keeps_only_their_id() -> None:
    user = lucia()
    user.deactivate(NOW)
    user.erase(NOW)
    assert (user.full_name, user.email, user.phone, user.date_of_birth) == (
        "Erased user", erased_email(user.id), None, None)
    assert (user.sms_number, user.push_tokens, user.channels) == (None, [], ChannelChoice())
    assert user.password_hash == UNUSABLE_PASSWORD and user.erased_at == NOW
    assert user.alert_addresses() == [(Channel.EMAIL, str(erased_email(user.id)))]


def test_an_erased_email_is_unique_and_no_ones() -> None:
    first, second = uuid4(), uuid4()
    assert erased_email(first) != erased_email(second)
    assert str(erased_email(first)).endswith("@erased.invalid")  # RFC 2606: never delivered


def test_a_queued_notification_is_given_up_with_its_reason_and_its_secrets() -> None:
    notice = Notification(id=uuid4(), channel=Channel.SMS, address="+541155550102",
                          subject="s", body="código 123456", created_at=NOW,
                          payload={"code": "123456", SECRET_KEYS: ["code"]})
    notice.cancel("cared_person_deactivated")
    assert (notice.status, notice.next_attempt_at, notice.last_error) == (
        DeliveryStatus.FAILED, None, "cancelled: cared_person_deactivated")
    assert "123456" not in notice.body and ERASED in notice.body
    assert not notice.is_due(NOW + timedelta(days=1))
    with pytest.raises(InvalidStateTransition):
        notice.cancel("again")


def test_a_refused_message_names_the_deactivated_person() -> None:
    person_id = uuid4()
    refusal = MonitoringStopped("bp-1", person_id)
    assert refusal.code == "cared_person_deactivated"
    assert refusal.details == {"device_id": "bp-1", "cared_person_id": str(person_id)}


def test_each_change_leaves_an_entry_about_its_subject_with_no_erased_value() -> None:
    person, user, admin = rosa(), lucia(), uuid4()
    entries = [
        audit.cared_person_deactivated(person, admin, NOW, alerts_closed=2,
                                       notifications_cancelled=3),
        audit.cared_person_reactivated(person, admin, NOW),
        audit.cared_person_erased(person, admin, NOW, {"events": 4}),
        audit.user_deactivated(user, user.id, NOW, sessions_ended=1, notifications_cancelled=0),
        audit.user_reactivated(user, admin, NOW),
        audit.user_erased(user, admin, NOW, {"notifications": 2}),
    ]
    assert [(e.action, e.subject_type) for e in entries] == [
        (AuditAction.CARED_PERSON_DEACTIVATED, SubjectType.CARED_PERSON),
        (AuditAction.CARED_PERSON_REACTIVATED, SubjectType.CARED_PERSON),
        (AuditAction.CARED_PERSON_ERASED, SubjectType.CARED_PERSON),
        (AuditAction.USER_DEACTIVATED, SubjectType.USER),
        (AuditAction.USER_REACTIVATED, SubjectType.USER),
        (AuditAction.USER_ERASED, SubjectType.USER)]
    assert entries[0].details == {"account_id": str(person.account_id), "alerts_closed": 2,
                                  "notifications_cancelled": 3}
    assert entries[3].details["by_self"] is True
    text = repr([e.details for e in entries])
    assert "Rosa" not in text and "lucia" not in text
