"""SMS and push: ports whose production adapter is a provider behind a webhook.

CUIOT posts each message, signed like every webhook (``webhook.py``), to the URL the
operator set (``CUIOT_SMS_WEBHOOK_URL``, ``CUIOT_PUSH_WEBHOOK_URL``); the provider's side
turns it into an SMS or a push. Secrets of the payload never leave in a push's data."""

from __future__ import annotations

from cuiot.adapters.notifications.log import without_secrets
from cuiot.adapters.notifications.webhook import SignedPoster
from cuiot.domain.notifications import Notification


class WebhookSmsSender:
    """``{"id", "to": phone, "text", "kind", "alert_id"}`` to the SMS provider."""

    def __init__(self, url: str, poster: SignedPoster) -> None:
        self.url, self.poster = url, poster

    async def send(self, notification: Notification) -> None:
        document = {"id": str(notification.id), "to": notification.address,
                    "text": f"{notification.subject}\n{notification.body}",
                    "kind": notification.kind,
                    "alert_id": str(notification.alert_id) if notification.alert_id else None}
        await self.poster.post(self.url, document, notification_id=notification.id, what="sms")


class WebhookPushSender:
    """``{"id", "user_id", "title", "body", "data"}`` to the push provider."""

    def __init__(self, url: str, poster: SignedPoster) -> None:
        self.url, self.poster = url, poster

    async def send(self, notification: Notification) -> None:
        document = {"id": str(notification.id), "user_id": notification.address,
                    "title": notification.subject, "body": notification.body,
                    "data": without_secrets(notification.payload)}
        await self.poster.post(self.url, document, notification_id=notification.id, what="push")
