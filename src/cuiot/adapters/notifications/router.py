"""The channel sender the dispatcher uses: one adapter per notification channel.

email → SMTP when an SMTP URL is set, else the log; webhook → a signed POST to the
notification's own address; sms → its provider's webhook when its URL is set, else the
log; push → FCM when its URL and token are set, else the push provider's webhook when
its URL is set, else the log; log → the log."""

from __future__ import annotations

import httpx

from cuiot.adapters.notifications.fcm import FcmPushProvider
from cuiot.adapters.notifications.log import LogSender
from cuiot.adapters.notifications.providers import (
    PushSender,
    WebhookPushProvider,
    WebhookSmsSender,
)
from cuiot.adapters.notifications.smtp import SmtpEmailSender
from cuiot.adapters.notifications.webhook import SignedPoster, WebhookSender
from cuiot.application.safety.ports import ChannelSender, DeliveryFailed
from cuiot.domain.notifications import Channel, Notification


class ChannelRouter:
    """A ``ChannelSender`` choosing the adapter by the notification's channel. It owns
    an HTTP client: ``await router.aclose()`` when done."""

    def __init__(self, *, smtp_url: str | None = None, webhook_secret: str | None = None,
                 sms_webhook_url: str | None = None, push_webhook_url: str | None = None,
                 fcm_url: str | None = None, fcm_token: str | None = None,
                 timeout_seconds: float = 10.0) -> None:
        self.client = httpx.AsyncClient(timeout=timeout_seconds, follow_redirects=False)
        poster = SignedPoster(self.client, webhook_secret)
        logged = LogSender()
        self.senders: dict[Channel, ChannelSender] = {
            Channel.EMAIL: SmtpEmailSender(smtp_url, timeout_seconds) if smtp_url else logged,
            Channel.WEBHOOK: WebhookSender(poster),
            Channel.SMS: WebhookSmsSender(sms_webhook_url, poster) if sms_webhook_url else logged,
            Channel.PUSH: self._push(poster, push_webhook_url, fcm_url, fcm_token) or logged,
            Channel.LOG: logged,
        }

    def _push(self, poster: SignedPoster, webhook_url: str | None, fcm_url: str | None,
              fcm_token: str | None) -> PushSender | None:
        if fcm_url and fcm_token:
            return PushSender(FcmPushProvider(fcm_url, fcm_token, self.client))
        return PushSender(WebhookPushProvider(webhook_url, poster)) if webhook_url else None

    def sender_for(self, channel: Channel) -> ChannelSender:
        sender = self.senders.get(channel)
        if sender is None:
            raise DeliveryFailed(f"no sender for the {channel} channel")
        return sender

    async def send(self, notification: Notification) -> None:
        await self.sender_for(notification.channel).send(notification)

    async def aclose(self) -> None:
        await self.client.aclose()
