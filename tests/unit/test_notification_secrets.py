"""A notification forgets the secrets its payload names once it is delivered or given
up, and only then; one that names none is left as it was."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from uuid import uuid4

from cuiot.domain.notifications import SECRET_KEYS, Channel, DeliveryStatus, Notification
from cuiot.domain.policy import DEFAULT_POLICY

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
TOKEN = "s3cr3t-Reset-Token-123"


def a_notice(**payload: object) -> Notification:
    return Notification(id=uuid4(), channel=Channel.EMAIL, address="ana@example.com",
                        subject=f"Tu código {TOKEN}", body=f"Usá este código: {TOKEN}",
                        created_at=NOW, kind="auth",
                        payload={"purpose": "password_reset", "token": TOKEN} | payload)


def test_a_sent_notice_keeps_no_secret_it_names():
    notice = a_notice(**{SECRET_KEYS: ["token"]})
    notice.mark_sent(NOW)
    assert notice.payload == {"purpose": "password_reset", "token": None,
                              SECRET_KEYS: ["token"]}
    assert (notice.subject, notice.body) == ("Tu código [borrado]", "Usá este código: [borrado]")


def test_a_secret_stays_for_the_next_attempt_and_goes_with_the_last():
    notice, policy = a_notice(**{SECRET_KEYS: ["token"]}), replace(
        DEFAULT_POLICY, notification_max_attempts=2)
    notice.mark_attempt_failed(NOW, "smtp away", policy)
    assert notice.payload["token"] == TOKEN and TOKEN in notice.body
    notice.mark_attempt_failed(NOW, "smtp away", policy)
    assert notice.status is DeliveryStatus.FAILED
    assert notice.payload["token"] is None and TOKEN not in notice.body + notice.subject


def test_a_notice_that_names_no_secret_is_sent_as_it_was():
    notice = a_notice()
    payload = notice.payload
    notice.mark_sent(NOW)
    assert notice.payload is payload and TOKEN in notice.body
