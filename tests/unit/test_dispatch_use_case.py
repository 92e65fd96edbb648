"""DispatchDueNotifications on in-memory adapters: which rows are due, sent or backed off,
failures kept to their own row, and an alert told for the first time becoming sent."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from cuiot.application.safety.commands.dispatch import (
    DispatchDueNotifications,
    DispatchDueNotificationsCommand,
    Outcome,
)
from cuiot.application.safety.ports import DeliveryFailed
from cuiot.domain.alerts import Alert, AlertSent, AlertStatus
from cuiot.domain.notifications import Channel, DeliveryStatus, Notification
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import Severity
from tests.conftest import NOON_2026_01_15 as NOW


class FakeSender:
    """Delivers to ``sent`` unless the address is failing, broken or hanging."""

    def __init__(self) -> None:
        self.sent: list[Notification] = []
        self.failing: set[str] = set()
        self.broken: set[str] = set()
        self.hanging: set[str] = set()

    async def send(self, notification: Notification) -> None:
        if notification.address in self.failing:
            raise DeliveryFailed("webhook: HTTP 500")
        if notification.address in self.broken:
            raise RuntimeError("a bug in the channel")
        if notification.address in self.hanging:
            await asyncio.sleep(60)
        self.sent.append(notification)


@pytest.fixture
def sender() -> FakeSender:
    return FakeSender()


@pytest.fixture
def dispatch(uow, clock, policy, sender):
    async def run(limit: int = 20, timeout: float = 5.0):
        use_case = DispatchDueNotifications(uow, clock, policy, sender)
        return await use_case(DispatchDueNotificationsCommand(limit, timeout))
    return run


def a_notification(address: str = "ana@example.com", *, alert: Alert | None = None,
                   at=NOW, **fields) -> Notification:
    return Notification(id=uuid4(), channel=fields.pop("channel", Channel.EMAIL),
                        address=address, subject="Alerta", body="Alerta crítica",
                        created_at=at, alert_id=alert.id if alert else None, **fields)


async def stored(store, *notifications: Notification) -> list[Notification]:
    for n in notifications:
        await store.notifications.add(n)
    return list(notifications)


def row(store, notification: Notification) -> Notification:
    return store.notifications.items[notification.id]


async def test_a_due_notification_is_delivered_and_marked_sent(store, sender, dispatch):
    [n] = await stored(store, a_notification())
    result = await dispatch()
    assert [s.id for s in sender.sent] == [n.id]
    assert (result.claimed, result.sent, result.retried, result.failed) == (1, 1, 0, 0)
    stored_row = row(store, n)
    assert (stored_row.status, stored_row.attempts, stored_row.sent_at) == (
        DeliveryStatus.SENT, 1, NOW)
    assert (await dispatch()).claimed == 0  # never sent twice


async def test_only_pending_rows_whose_time_has_come_are_claimed(store, sender, dispatch,
                                                                 clock):
    later = a_notification("later@example.com", at=NOW + timedelta(seconds=1))
    done = a_notification("done@example.com", status=DeliveryStatus.SENT, attempts=1)
    gone = a_notification("gone@example.com", status=DeliveryStatus.FAILED, attempts=5)
    now = a_notification("now@example.com")
    await stored(store, later, done, gone, now)
    await dispatch()
    assert [s.address for s in sender.sent] == ["now@example.com"]
    clock.advance(timedelta(seconds=1))
    await dispatch()
    assert [s.address for s in sender.sent] == ["now@example.com", "later@example.com"]


async def test_a_batch_takes_the_longest_waiting_first_up_to_its_limit(store, sender,
                                                                       dispatch):
    rows = [a_notification(f"u{i}@example.com", at=NOW - timedelta(minutes=i))
            for i in range(5)]
    await stored(store, *rows)
    assert (await dispatch(limit=2)).claimed == 2
    assert [s.address for s in sender.sent] == ["u4@example.com", "u3@example.com"]


@pytest.mark.parametrize(("attempt", "wait_seconds"), [(1, 2), (2, 4), (3, 8), (4, 16)])
async def test_a_failed_attempt_backs_off_exponentially(store, sender, dispatch, clock,
                                                        attempt, wait_seconds):
    sender.failing.add("ana@example.com")
    [n] = await stored(store, a_notification(attempts=attempt - 1))
    result = await dispatch()
    assert [d.outcome for d in result.deliveries] == [Outcome.RETRY]
    assert result.deliveries[0].reason == "webhook: HTTP 500"
    stored_row = row(store, n)
    assert (stored_row.status, stored_row.attempts) == (DeliveryStatus.PENDING, attempt)
    assert stored_row.next_attempt_at == NOW + timedelta(seconds=wait_seconds)
    assert stored_row.last_error == "webhook: HTTP 500"
    clock.advance(timedelta(seconds=wait_seconds) - timedelta(microseconds=1))
    assert (await dispatch()).claimed == 0  # not before its time


async def test_the_fifth_failed_attempt_gives_up(store, sender, dispatch, clock):
    sender.failing.add("ana@example.com")
    [n] = await stored(store, a_notification())
    outcomes = []
    for _ in range(5):
        outcomes += [d.outcome for d in (await dispatch()).deliveries]
        clock.advance(timedelta(minutes=1))
    assert outcomes == [Outcome.RETRY] * 4 + [Outcome.FAILED]
    stored_row = row(store, n)
    assert (stored_row.status, stored_row.attempts, stored_row.next_attempt_at) == (
        DeliveryStatus.FAILED, 5, None)
    assert (await dispatch()).claimed == 0


async def test_one_failing_row_never_stops_the_others(store, sender, dispatch):
    sender.failing.add("down@example.com")
    sender.broken.add("bug@example.com")
    rows = await stored(store, a_notification("down@example.com"),
                        a_notification("bug@example.com"), a_notification("ana@example.com"),
                        a_notification("bea@example.com"))
    result = await dispatch()
    assert (result.sent, result.retried) == (2, 2)
    assert [row(store, n).status for n in rows] == [DeliveryStatus.PENDING] * 2 + [
        DeliveryStatus.SENT] * 2
    assert row(store, rows[1]).last_error == "RuntimeError in the email channel"


async def test_a_hanging_channel_is_a_failed_attempt_after_the_timeout(store, sender,
                                                                       dispatch):
    sender.hanging.add("slow@example.com")
    slow, fine = await stored(store, a_notification("slow@example.com"), a_notification())
    result = await asyncio.wait_for(dispatch(timeout=0.05), 5)
    assert (result.sent, result.retried) == (1, 1)
    assert row(store, slow).last_error == "no answer within 0.05s"
    assert row(store, fine).status is DeliveryStatus.SENT


def an_alert() -> Alert:
    return Alert.open(id=uuid4(), cared_person_id=uuid4(), device_pk=uuid4(),
                      alert_type="blood_pressure", severity=Severity.CRITICAL, at=NOW,
                      policy=DEFAULT_POLICY)


async def alert_stored(store, alert: Alert) -> UUID:
    await store.alerts.add(alert)
    alert.pull_events()  # opening it is not this test's business
    return alert.id


async def test_the_first_delivery_makes_the_alert_sent(store, sender, dispatch, publisher):
    alert = an_alert()
    await alert_stored(store, alert)
    sender.failing.add("down@example.com")
    await stored(store, a_notification("down@example.com", alert=alert),
                 a_notification(alert=alert), a_notification("bea@example.com", alert=alert))
    await dispatch()
    assert store.alerts.items[alert.id].status is AlertStatus.SENT
    assert [type(e) for e in publisher.published] == [AlertSent]  # once, after the commit


async def test_an_alert_nobody_was_reached_for_stays_pending(store, sender, dispatch):
    alert = an_alert()
    await alert_stored(store, alert)
    sender.failing.add("ana@example.com")
    await stored(store, a_notification(alert=alert))
    await dispatch()
    assert store.alerts.items[alert.id].status is AlertStatus.PENDING


async def test_an_acknowledged_alert_keeps_its_status(store, sender, dispatch):
    alert = an_alert()
    alert.acknowledge(uuid4(), NOW)
    await alert_stored(store, alert)
    await stored(store, a_notification(alert=alert))
    await dispatch()
    assert store.alerts.items[alert.id].status is AlertStatus.ACKNOWLEDGED
    assert len(sender.sent) == 1
