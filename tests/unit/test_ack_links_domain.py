"""The rules of acknowledgement links (``domain/ack_links.py``): a link stands while its
alert is chased at the rung it was made for, and dies with its use, the alert's
acknowledgement or resolution, the next escalation, a newer link to the same recipient,
or a day; only hashes are stored; a notification forgets the link once delivered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from cuiot.domain.ack_links import (
    LONGEST,
    AckLink,
    AckLinkRefused,
    AlertRound,
    LinkState,
    ack_url,
    as_code,
    reply_key,
    shown_recipient,
)
from cuiot.domain.alerts import Alert, AlertStatus
from cuiot.domain.auth import hash_token
from cuiot.domain.errors import ValidationFailed
from cuiot.domain.notifications import ERASED, AckLinkText, Channel, Notification, alert_message
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import Severity

T0 = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
ANA = UUID(int=1)
TOKEN = "s3cret-token-of-the-link"
PHONE = "+54 11 5555-0102"


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def an_alert() -> Alert:
    """Critical: the ladder climbs every 2 minutes."""
    return Alert.open(id=UUID(int=9), cared_person_id=UUID(int=2), device_pk=UUID(int=3),
                      alert_type="blood_pressure", severity=Severity.CRITICAL, at=T0,
                      policy=DEFAULT_POLICY)


def a_link(alert: Alert, channel: Channel = Channel.EMAIL, *, code: str | None = None,
           at: datetime = T0, recipient: str = "ana@example.com") -> AckLink:
    return AckLink.issue(id=UUID(int=100), alert=alert, channel=channel, recipient=recipient,
                         user_id=ANA, token=TOKEN, code=code, now=at)


def state(link: AckLink, alert: Alert, at: datetime, **more: bool) -> LinkState:
    return link.state(AlertRound.of(alert), at, **more)


def test_a_link_keeps_only_the_hash_of_its_secret_and_dies_with_the_next_escalation():
    alert = an_alert()
    link = a_link(alert)
    assert link.token_hash == hash_token(TOKEN) and TOKEN not in str(vars(link))
    assert (link.escalation_level, link.repeat, link.expires_at) == (1, 0, minutes(2))
    assert state(link, alert, minutes(1)) is LinkState.OPEN
    assert state(link, alert, minutes(2)) is LinkState.EXPIRED  # due, even before the job


def test_an_escalated_alert_no_longer_takes_the_link_of_the_rung_before():
    alert = an_alert()
    link = a_link(alert)
    alert.escalate(minutes(2), DEFAULT_POLICY)
    assert state(link, alert, minutes(2)) is LinkState.EXPIRED
    top = a_link(alert, at=minutes(2))
    assert state(top, alert, minutes(3)) is LinkState.OPEN
    for at in (4, 6):  # level 3, then level 3 told again: each telling has its own link
        alert.escalate(minutes(at), DEFAULT_POLICY)
    repeated = a_link(alert, at=minutes(6))
    alert.escalate(minutes(8), DEFAULT_POLICY)
    assert alert.escalation_level == 3 and state(repeated, alert, minutes(8)) is LinkState.EXPIRED


def test_a_worse_event_that_brings_the_escalation_forward_brings_the_link_s_end_too():
    alert = Alert.open(id=UUID(int=9), cared_person_id=UUID(int=2), device_pk=UUID(int=3),
                       alert_type="blood_pressure", severity=Severity.HIGH, at=T0,
                       policy=DEFAULT_POLICY)
    link = a_link(alert)
    assert link.expires_at == minutes(5)
    alert.join(Severity.CRITICAL, minutes(1), DEFAULT_POLICY)
    assert state(link, alert, minutes(2)) is LinkState.OPEN
    assert state(link, alert, minutes(3)) is LinkState.EXPIRED


def test_an_alert_handled_by_anyone_ends_every_link_and_a_used_one_says_so():
    alert = an_alert()
    email, push = a_link(alert), a_link(alert, Channel.PUSH, recipient=str(ANA))
    email.use(AlertRound.of(alert), minutes(1))
    alert.acknowledge(ANA, minutes(1), via="email", recipient="ana@example.com")
    assert state(email, alert, minutes(1)) is LinkState.USED
    assert state(push, alert, minutes(1)) is LinkState.HANDLED
    resolved = an_alert()
    late = a_link(resolved)
    resolved.resolve(ANA, minutes(1))
    assert state(late, resolved, minutes(1)) is LinkState.HANDLED


def test_a_link_is_spent_once_and_a_refusal_changes_nothing():
    alert = an_alert()
    link = a_link(alert)
    link.use(AlertRound.of(alert), minutes(1))
    assert link.used_at == minutes(1)
    with pytest.raises(AckLinkRefused) as refused:
        link.use(AlertRound.of(alert), minutes(1.5))
    assert refused.value.state is LinkState.USED and refused.value.code == "ack_link_refused"
    assert link.used_at == minutes(1)
    stale = a_link(alert)
    with pytest.raises(AckLinkRefused):
        stale.use(AlertRound.of(alert), minutes(3))
    assert stale.used_at is None


def test_a_newer_link_to_the_same_recipient_replaces_it():
    alert = an_alert()
    assert state(a_link(alert), alert, minutes(1), superseded=True) is LinkState.EXPIRED


def test_a_link_for_an_unhandled_alert_lasts_a_day():
    alert = an_alert()
    for at in range(2, 14, 2):
        alert.escalate(minutes(at), DEFAULT_POLICY)
    assert alert.status is AlertStatus.UNHANDLED and alert.next_escalation_at is None
    link = a_link(alert, at=minutes(12))
    assert link.expires_at == minutes(12) + LONGEST
    assert state(link, alert, minutes(12) + LONGEST - timedelta(seconds=1)) is LinkState.OPEN
    assert state(link, alert, minutes(12) + LONGEST) is LinkState.EXPIRED


def test_an_sms_link_has_a_code_kept_as_the_hash_of_its_phone_and_itself():
    link = a_link(an_alert(), Channel.SMS, code="482913", recipient=PHONE)
    assert link.code_hash == reply_key("+541155550102", "482913") != reply_key(PHONE, "482914")
    assert "482913" not in str(vars(link))
    assert a_link(an_alert()).code_hash is None


@pytest.mark.parametrize(("channel", "code"), [(Channel.EMAIL, "482913"),
                                               (Channel.SMS, "4829"), (Channel.LOG, None)])
def test_no_link_on_the_log_and_no_code_but_six_digits_on_sms(channel, code):
    with pytest.raises(ValidationFailed):
        a_link(an_alert(), channel, code=code)


@pytest.mark.parametrize(("text", "code"), [("482913", "482913"), ("  482913\n", "482913"),
                                            ("48291", None), ("4829133", None),
                                            ("OK 482913", None), ("", None)])
def test_a_reply_is_a_code_when_it_is_six_digits_alone(text, code):
    assert as_code(text) == code


def test_the_acknowledgement_records_where_it_came_from_and_a_restart_forgets_it():
    alert = Alert.open(id=UUID(int=9), cared_person_id=UUID(int=2), device_pk=UUID(int=3),
                       alert_type="blood_pressure", severity=Severity.HIGH, at=T0,
                       policy=DEFAULT_POLICY)
    alert.acknowledge(None, minutes(1), via="sms", recipient=PHONE)
    assert (alert.acknowledged_by, alert.acknowledged_via, alert.acknowledged_recipient) == (
        None, "sms", PHONE)
    assert alert.next_escalation_at is None
    (event,) = [e for e in alert.pull_events() if type(e).__name__ == "AlertAcknowledged"]
    assert event.by is None
    assert shown_recipient("sms", PHONE) == "+5411****0102"
    assert shown_recipient(None, None) is None
    assert alert.join(Severity.CRITICAL, minutes(2), DEFAULT_POLICY) == 1  # starts again
    assert (alert.acknowledged_via, alert.acknowledged_recipient) == (None, None)


def test_the_message_carries_the_link_and_an_sms_its_code():
    alert = an_alert()
    url = ack_url("https://cuiot.example.com/", TOKEN)
    assert url == f"https://cuiot.example.com/ack/{TOKEN}"
    _, plain = alert_message(alert, "Rosa Gómez", "opened")
    _, linked = alert_message(alert, "Rosa Gómez", "opened", AckLinkText(url, TOKEN))
    _, texted = alert_message(alert, "Rosa Gómez", "opened", AckLinkText(url, TOKEN, "482913"))
    assert plain.endswith("Confírmela en CUIOT para detener el escalado.")
    assert linked.endswith(f"Confírmela para detener el escalado:\n{url}")
    assert texted.endswith(f"{url}\nO responda a este SMS con el código 482913.")
    assert TOKEN not in repr(AckLinkText(url, TOKEN, "482913")).replace(url, "")


def test_a_delivered_notification_forgets_its_link_and_code():
    alert, url = an_alert(), ack_url("https://cuiot.example.com", TOKEN)
    link = AckLinkText(url, TOKEN, "482913")
    subject, body = alert_message(alert, "Rosa Gómez", "opened", link)
    notice = Notification(id=UUID(int=5), channel=Channel.SMS, address=PHONE, subject=subject,
                          body=body, created_at=T0, payload={"level": 1} | link.payload())
    notice.mark_sent(minutes(1))
    assert TOKEN not in notice.body and "482913" not in notice.body and ERASED in notice.body
    assert {k: notice.payload[k] for k in ("ack_url", "token", "code", "level")} == {
        "ack_url": None, "token": None, "code": None, "level": 1}
