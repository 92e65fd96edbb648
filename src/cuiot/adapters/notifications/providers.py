"""SMS and push: the channel senders, and the providers behind a webhook.

For SMS, CUIOT posts each message, signed like every webhook (``webhook.py``), to the URL
the operator set (``CUIOT_SMS_WEBHOOK_URL``); the provider's side turns it into an SMS.
Push goes through a ``PushProvider``: FCM itself (``fcm.py``) or, the same way as SMS, a
webhook (``CUIOT_PUSH_WEBHOOK_URL``). A push carries the notification's text and a few
ids of the alert (``PushMessage``): never a secret, a name or a medical detail."""

from __future__ import annotations

from cuiot.adapters.notifications.webhook import SignedPoster
from cuiot.application.safety.ports import PushMessage, PushProvider
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


class PushSender:
    """The push channel: a notification's address is a phone's token."""

    def __init__(self, provider: PushProvider) -> None:
        self.provider = provider

    async def send(self, notification: Notification) -> None:
        await self.provider.push(PushMessage.of(notification))


class WebhookPushProvider:
    """``{"id", "token", "title", "body", "data"}`` to the push provider's webhook."""

    def __init__(self, url: str, poster: SignedPoster) -> None:
        self.url, self.poster = url, poster

    async def push(self, message: PushMessage) -> None:
        document = {"id": str(message.notification_id), "token": message.token,
                    "title": message.title, "body": message.body, "data": dict(message.data)}
        await self.poster.post(self.url, document, notification_id=message.notification_id,
                               what="push")
