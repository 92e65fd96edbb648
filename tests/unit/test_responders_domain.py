"""How a responder is reached (channels, SMS number, push phones), how addresses are shown
to others, and what a responder needs to know of a cared person: the domain's rules."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from cuiot.domain.care import CaredPerson, ResponderInfo
from cuiot.domain.errors import Conflict, NotFound, ValidationFailed
from cuiot.domain.notifications import Channel
from cuiot.domain.responders import (
    MAX_PUSH_TOKENS,
    ChannelChoice,
    PushToken,
    masked_address,
    phone_number,
)
from cuiot.domain.users import User
from cuiot.domain.values import EmailAddress
from tests.conftest import NOON_2026_01_15 as NOW


def a_user() -> User:
    return User(id=uuid4(), email=EmailAddress("lucia@example.com"), password_hash="x",
                first_name="Lucía", last_name="Paz", created_at=NOW)


def a_token(token: str = "phone-token-1") -> PushToken:
    return PushToken(uuid4(), token, NOW)


@pytest.mark.parametrize(("typed", "stored"), [
    ("+54 11 5555-0102", "+541155550102"),
    ("+54 (11) 5555.0102", "+541155550102"),
    ("+1 202 555 0123", "+12025550123"),
])
def test_a_phone_number_is_kept_in_e164(typed, stored):
    assert phone_number(typed) == stored


@pytest.mark.parametrize("typed", ["11 5555-0102", "+0 11 5555 0102", "+54 11",
                                   "+54 11 5555 0102 99999", "+54 11 5555-01O2", ""])
def test_a_phone_number_needs_the_country_code_and_8_to_15_digits(typed):
    with pytest.raises(ValidationFailed) as refused:
        phone_number(typed)
    assert refused.value.details == {"field": "sms_number"}


def test_a_new_user_is_told_by_email_and_push():
    user = a_user()
    assert user.channels.chosen == (Channel.EMAIL, Channel.PUSH)
    assert user.alert_addresses() == [(Channel.EMAIL, "lucia@example.com")]  # no phone yet
    user.register_push_token(a_token("t1"))
    user.register_push_token(a_token("t2"))
    assert user.alert_addresses() == [(Channel.EMAIL, "lucia@example.com"),
                                      (Channel.PUSH, "t1"), (Channel.PUSH, "t2")]


def test_a_user_is_told_by_the_channels_they_chose():
    user = a_user()
    user.register_push_token(a_token("t1"))
    user.choose_channels(ChannelChoice(email=False, sms=True, push=True), "+54 11 5555-0102")
    assert user.alert_addresses() == [(Channel.SMS, "+541155550102"), (Channel.PUSH, "t1")]


def test_push_alone_without_a_phone_falls_back_to_the_email():
    user = a_user()
    user.choose_channels(ChannelChoice(email=False, sms=False, push=True), None)
    assert user.alert_addresses() == [(Channel.EMAIL, "lucia@example.com")]


def test_sms_needs_a_number_and_some_channel_is_always_chosen():
    user = a_user()
    with pytest.raises(ValidationFailed) as no_number:
        user.choose_channels(ChannelChoice(sms=True), None)
    assert no_number.value.details == {"field": "sms_number"}
    with pytest.raises(ValidationFailed) as nothing:
        ChannelChoice(email=False, sms=False, push=False)
    assert nothing.value.details == {"field": "channels"}
    with pytest.raises(ValidationFailed):
        ChannelChoice.of({Channel.WEBHOOK})
    assert user.channels == ChannelChoice()  # unchanged by the refusals


def test_a_number_is_kept_while_sms_is_off():
    user = a_user()
    user.choose_channels(ChannelChoice(sms=False), "+54 11 5555-0102")
    assert user.sms_number == "+541155550102"
    assert (Channel.SMS, "+541155550102") not in user.alert_addresses()


def test_a_phone_registered_again_is_the_same_phone():
    user = a_user()
    first = user.register_push_token(a_token("t1"))
    again = user.register_push_token(a_token(" t1 "))
    assert again is first and len(user.push_tokens) == 1


def test_at_most_ten_phones_and_only_ones_own_can_be_removed():
    user = a_user()
    tokens = [user.register_push_token(a_token(f"t{i}")) for i in range(MAX_PUSH_TOKENS)]
    with pytest.raises(Conflict):
        user.register_push_token(a_token("one-too-many"))
    user.remove_push_token(tokens[0].id)
    assert [t.token for t in user.push_tokens] == [f"t{i}" for i in range(1, MAX_PUSH_TOKENS)]
    with pytest.raises(NotFound):
        user.remove_push_token(uuid4())


@pytest.mark.parametrize("token", ["", "   ", "with space", "x" * 513, "ñandú"])
def test_a_push_token_is_printable_ascii_without_spaces(token):
    with pytest.raises(ValidationFailed):
        PushToken(uuid4(), token, NOW)


@pytest.mark.parametrize(("channel", "address", "shown"), [
    (Channel.SMS, "+541155550102", "+5411****0102"),
    (Channel.SMS, "+54 11 5555-0102", "+5411****0102"),
    (Channel.SMS, "4555-0000", "****0000"),
    (Channel.EMAIL, "lucia@example.com", "l****@example.com"),
    (Channel.PUSH, "fMEl0x3bT0y9:APA91bHk2", "…91bHk2"),
    (Channel.WEBHOOK, "https://user:secret@hooks.example.com/x?k=1", "hooks.example.com"),
    (Channel.LOG, "log", "log"),
])
def test_addresses_are_shown_masked(channel, address, shown):
    assert masked_address(channel, address) == shown


def test_what_a_responder_needs_is_trimmed_and_blank_clears_it():
    info = ResponderInfo(address="  Av. Rivadavia 1234 ", conditions=("diabetes", " "),
                         doctor_name="Dra. Paz", doctor_phone="+54 11 4555-0000")
    assert (info.address, info.conditions) == ("Av. Rivadavia 1234", ("diabetes",))
    changed = info.updated(address="", medications=("metformina",), doctor_name=None)
    assert changed == ResponderInfo(conditions=("diabetes",), medications=("metformina",),
                                    doctor_name="Dra. Paz", doctor_phone="+54 11 4555-0000")


@pytest.mark.parametrize(("fields", "field"), [
    ({"doctor_phone": "+54 11 4555-0000"}, "doctor_name"),
    ({"doctor_name": "Dra. Paz", "doctor_phone": "llamar"}, "doctor_phone"),
    ({"address": "x" * 301}, "address"),
    ({"allergies": tuple(f"a{i}" for i in range(31))}, "allergies"),
    ({"mobility_notes": "x" * 1001}, "mobility_notes"),
])
def test_what_a_responder_needs_is_refused_when_it_cannot_be_right(fields, field):
    with pytest.raises(ValidationFailed) as refused:
        ResponderInfo(**fields)
    assert refused.value.details == {"field": field}


def test_changing_the_care_can_change_what_a_responder_needs():
    person = CaredPerson(id=uuid4(), account_id=uuid4(), first_name="Elena", last_name="Gómez",
                         date_of_birth=date(1940, 3, 1), created_at=NOW)
    assert person.responder_info == ResponderInfo()
    person.change_care(responder_info=ResponderInfo(address="Av. Rivadavia 1234"))
    person.change_care(thresholds={"pulse_high_above": 110})
    assert person.responder_info.address == "Av. Rivadavia 1234"
