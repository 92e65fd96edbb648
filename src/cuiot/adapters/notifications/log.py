"""Notifications written to the log: where they go when no real channel is configured.

Never a secret: an auth notification's contents are withheld (they hold a reset token),
and any secret the payload names is cut out of the text. The payload itself is never
logged."""

from __future__ import annotations

import logging
from typing import Any

from cuiot.domain.notifications import Notification

log = logging.getLogger("cuiot.notifications")

SECRET_KEYS = frozenset({"token", "secret", "password", "api_key", "code"})
REDACTED = "[redacted]"


def without_secrets(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload minus the values of secret keys."""
    return {k: (REDACTED if k in SECRET_KEYS else v) for k, v in payload.items()}


def printable_body(notification: Notification) -> str:
    """The body as it may be shown in a log."""
    if notification.kind == "auth":
        return "(contents withheld: they hold a secret)"
    body = notification.body
    for key, value in notification.payload.items():
        if key in SECRET_KEYS and isinstance(value, str) and value:
            body = body.replace(value, REDACTED)
    return body


class LogSender:
    """Delivers by writing one INFO line: who would be told, and what."""

    def __init__(self, logger: logging.Logger = log) -> None:
        self.logger = logger

    async def send(self, notification: Notification) -> None:
        self.logger.info("notification %s [%s, %s] to %s: %s | %s", notification.id,
                         notification.channel.value, notification.kind, notification.address,
                         notification.subject, printable_body(notification))
