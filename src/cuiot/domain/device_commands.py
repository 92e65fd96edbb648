"""Commands the backend sends to a device (reboot it, change its reporting interval…)
and what became of them.

A command is ``pending`` once stored, ``sent`` once the broker took it, and ends
``completed`` or ``failed`` by the device's reply, or ``timed_out`` when no reply came
before ``timeout_at``. A reply that arrives after the timeout is kept (``result``,
``reply_ok``, ``replied_at``) but does not change the status: whoever waited was told it
timed out, and that stays true. A reply seen twice (QoS 1 redelivery) changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from cuiot.domain.devices import Device
from cuiot.domain.errors import InvalidStateTransition, ValidationFailed
from cuiot.domain.policy import Policy

_COMMAND_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]{0,63}$")
NOT_DELIVERED = "not_delivered"


class CommandStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    COMPLETED = "completed"
    FAILED = "failed"
    TIMED_OUT = "timed_out"


AWAITING_REPLY = frozenset({CommandStatus.PENDING, CommandStatus.SENT})


@dataclass(eq=False)
class DeviceCommand:
    """``id`` is the ``command_id`` the device echoes in its reply."""

    id: UUID
    device_pk: UUID
    command: str
    params: dict[str, Any]
    requested_by: UUID
    created_at: datetime
    timeout_at: datetime
    status: CommandStatus = CommandStatus.PENDING
    sent_at: datetime | None = None
    completed_at: datetime | None = None  # when it reached its final status
    result: dict[str, Any] = field(default_factory=dict)
    reply_ok: bool | None = None
    replied_at: datetime | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.command, str) or not _COMMAND_NAME.match(self.command):
            raise ValidationFailed("command: 1-64 letters, digits, '_', '.', ':' or '-', "
                                   "starting with a letter", field="command")
        if not isinstance(self.params, dict) or not all(isinstance(k, str) for k in self.params):
            raise ValidationFailed("params must be an object", field="params")
        self.params = dict(self.params)

    @classmethod
    def issue(cls, *, id: UUID, device: Device, command: str, params: dict[str, Any],
              requested_by: UUID, now: datetime, policy: Policy) -> DeviceCommand:
        """A new command for an active device, due back within the policy's timeout."""
        if not device.is_active:
            raise InvalidStateTransition("device", "inactive", "send a command to")
        return cls(id=id, device_pk=device.id, command=command, params=params,
                   requested_by=requested_by, created_at=now,
                   timeout_at=now + policy.device_command_timeout)

    @property
    def awaiting_reply(self) -> bool:
        return self.status in AWAITING_REPLY

    @property
    def replied_late(self) -> bool:
        """The device answered, but only after the command had timed out."""
        return self.status is CommandStatus.TIMED_OUT and self.replied_at is not None

    def mark_sent(self, now: datetime) -> None:
        """The broker accepted it. A reply or a timeout that came first keeps its status."""
        if self.sent_at is None:
            self.sent_at = now
        if self.status is CommandStatus.PENDING:
            self.status = CommandStatus.SENT

    def mark_not_delivered(self, now: datetime, reason: str) -> None:
        """The broker could not be given the command: it fails at once."""
        if self.awaiting_reply:
            self._finish(CommandStatus.FAILED, now)
            self.result = {"error": NOT_DELIVERED, "detail": reason[:500]}

    def record_reply(self, ok: bool, result: dict[str, Any], now: datetime) -> bool:
        """The device's answer. False when it changed nothing (a repeated reply)."""
        if not isinstance(result, dict):
            raise ValidationFailed("a reply's result must be an object", field="result")
        if self.replied_at is not None:
            return False
        self.reply_ok, self.result, self.replied_at = ok, dict(result), now
        if self.awaiting_reply:
            self._finish(CommandStatus.COMPLETED if ok else CommandStatus.FAILED, now)
        return True

    def is_expired(self, now: datetime) -> bool:
        return self.awaiting_reply and self.timeout_at <= now

    def expire(self, now: datetime) -> bool:
        """No reply in time. False when it was not due (or already over)."""
        if not self.is_expired(now):
            return False
        self._finish(CommandStatus.TIMED_OUT, now)
        return True

    def _finish(self, status: CommandStatus, now: datetime) -> None:
        self.status, self.completed_at = status, now
