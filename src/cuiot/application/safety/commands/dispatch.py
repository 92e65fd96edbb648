"""Delivering the outbox: due rows are claimed in batches, each is delivered through its
channel, and its outcome (sent, or a failed attempt backed off) is committed.

A failing channel never loses or blocks anything: every row is tried on its own (one
failing, hanging or broken delivery never stops the others of the batch), a failed
attempt stays ``pending`` and is tried again after an exponential backoff until the
policy's last attempt, and the first delivery of an alert's notification makes the
pending alert ``sent``.

The rows stay claimed (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) while they are being
delivered, so two dispatchers never send the same row. Delivery is at least once: if the
commit itself fails, the rows are delivered again later.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from cuiot.application.safety.ports import ChannelSender, DeliveryFailed
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.notifications import DeliveryStatus, Notification
from cuiot.domain.policy import Policy

log = logging.getLogger("cuiot.notifications")


@dataclass(frozen=True, slots=True)
class DispatchDueNotificationsCommand:
    limit: int = 20  # rows claimed, and delivered concurrently, per batch
    timeout_seconds: float = 30.0  # a delivery not done by then is a failed attempt


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # failed, to be tried again after the backoff
    FAILED = "failed"  # the last attempt failed


@dataclass(frozen=True, slots=True)
class Delivery:
    notification_id: UUID
    channel: str
    outcome: Outcome
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class DispatchResult:
    deliveries: tuple[Delivery, ...] = ()

    @property
    def claimed(self) -> int:
        return len(self.deliveries)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for d in self.deliveries if d.outcome is outcome)

    @property
    def sent(self) -> int:
        return self.count(Outcome.SENT)

    @property
    def retried(self) -> int:
        return self.count(Outcome.RETRY)

    @property
    def failed(self) -> int:
        return self.count(Outcome.FAILED)


class DispatchDueNotifications:
    """One batch of the dispatcher's job (no actor: a system job)."""

    def __init__(self, uow: UnitOfWork, clock: Clock, policy: Policy,
                 sender: ChannelSender) -> None:
        self.uow, self.clock, self.policy, self.sender = uow, clock, policy, sender

    async def __call__(self, cmd: DispatchDueNotificationsCommand | None = None) -> DispatchResult:
        cmd = cmd or DispatchDueNotificationsCommand()
        async with self.uow:
            due = await self.uow.notifications.list_due(self.clock.now(), cmd.limit)
            errors = await asyncio.gather(*(self._attempt(n, cmd.timeout_seconds) for n in due))
            now = self.clock.now()
            deliveries = tuple(self._record(n, error, now)
                               for n, error in zip(due, errors, strict=True))
            await self._mark_alerts_sent(due, now)
            await self.uow.commit()
        return DispatchResult(deliveries)

    async def _attempt(self, notification: Notification, timeout_seconds: float) -> str | None:
        """None when delivered, else the reason it was not (no answer within
        ``timeout_seconds`` is one: each row of the batch has a deadline of its own)."""
        try:
            async with asyncio.timeout(timeout_seconds):
                await self.sender.send(notification)
        except DeliveryFailed as exc:
            return exc.reason
        except TimeoutError:
            return f"no answer within {timeout_seconds:g}s"
        except Exception as exc:  # a broken channel must not stop the rest of the batch
            log.exception("notification %s: %s channel broke", notification.id,
                          notification.channel.value)
            return f"{type(exc).__name__} in the {notification.channel.value} channel"
        return None

    def _record(self, notification: Notification, error: str | None, now: datetime) -> Delivery:
        if error is None:
            notification.mark_sent(now)
            return Delivery(notification.id, notification.channel.value, Outcome.SENT)
        notification.mark_attempt_failed(now, error, self.policy)
        failed = notification.status is DeliveryStatus.FAILED
        log.warning("notification %s via %s: attempt %d failed%s: %s", notification.id,
                    notification.channel.value, notification.attempts,
                    " (no attempts left)" if failed else "", error)
        return Delivery(notification.id, notification.channel.value,
                        Outcome.FAILED if failed else Outcome.RETRY, error)

    async def _mark_alerts_sent(self, batch: list[Notification], now: datetime) -> None:
        """Pending alerts with a delivered notification become sent: the batch's alerts
        are held in one go (in id order: two dispatchers never deadlock on them)."""
        delivered = {n.alert_id for n in batch if n.status is DeliveryStatus.SENT and n.alert_id}
        for alert in (await self.uow.alerts.get_many(delivered)).values():
            alert.mark_sent(now)
