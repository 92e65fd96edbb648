"""Webhook delivery: an HTTP POST of the notification as JSON, signed with HMAC-SHA256.

Receivers check ``X-CUIOT-Signature: sha256=<hex HMAC of the raw body>`` with the shared
secret (``CUIOT_WEBHOOK_SECRET``) and may use ``X-CUIOT-Notification-Id`` to drop a
repeat: delivery is at least once. Anything but a 2xx answer is a failed attempt."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any
from urllib.parse import urlsplit

import httpx

from cuiot.application.safety.ports import DeliveryFailed
from cuiot.domain.instants import iso_utc
from cuiot.domain.notifications import Notification

log = logging.getLogger("cuiot.notifications")

SIGNATURE_HEADER = "X-CUIOT-Signature"
ID_HEADER = "X-CUIOT-Notification-Id"


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def notification_document(n: Notification) -> dict[str, Any]:
    """What a webhook receives."""
    return {
        "id": str(n.id), "kind": n.kind, "channel": n.channel.value, "subject": n.subject,
        "body": n.body, "created_at": iso_utc(n.created_at), "attempt": n.attempts + 1,
        "recipient_user_id": str(n.recipient_user_id) if n.recipient_user_id else None,
        "alert_id": str(n.alert_id) if n.alert_id else None,
        "escalation_level": n.escalation_level, "payload": n.payload,
    }


class SignedPoster:
    """POSTs JSON documents signed with the shared secret (unsigned when there is none)."""

    def __init__(self, client: httpx.AsyncClient, secret: str | None) -> None:
        self.client, self.secret = client, secret
        self._warned = False

    async def post(self, url: str, document: dict[str, Any], *, notification_id: object,
                   what: str) -> None:
        body = json.dumps(document, separators=(",", ":"), default=str).encode()
        headers = {"Content-Type": "application/json", ID_HEADER: str(notification_id)}
        if self.secret:
            headers[SIGNATURE_HEADER] = signature(body, self.secret)
        elif not self._warned:
            self._warned = True
            log.warning("CUIOT_WEBHOOK_SECRET is unset: %s deliveries go unsigned", what)
        try:
            response = await self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{what}: {type(exc).__name__} {str(exc)[:120]}".strip()) from exc
        if not response.is_success:
            raise DeliveryFailed(f"{what}: HTTP {response.status_code}")


def is_http_url(address: str) -> bool:
    parts = urlsplit(address)
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


class WebhookSender:
    """Posts each notification to its own address (an http(s) URL)."""

    def __init__(self, poster: SignedPoster) -> None:
        self.poster = poster

    async def send(self, notification: Notification) -> None:
        if not is_http_url(notification.address):
            raise DeliveryFailed("webhook: the address is not an http(s) URL")
        await self.poster.post(notification.address, notification_document(notification),
                               notification_id=notification.id, what="webhook")
