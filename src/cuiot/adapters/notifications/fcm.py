"""Push through Firebase Cloud Messaging's HTTP v1 API (``messages:send``).

One POST per phone to ``CUIOT_FCM_URL``
(``https://fcm.googleapis.com/v1/projects/<project>/messages:send``) with
``Authorization: Bearer <CUIOT_FCM_TOKEN>``, an OAuth 2.0 access token for the project's
service account (``firebase.messaging`` scope). The body is FCM's ``Message``: the
phone's token, the title and text shown, string-only data for the app, and Android's
high priority, so an alert wakes a phone that is asleep. Anything but a 2xx answer is a
failed attempt, named by FCM's error code (``UNREGISTERED``: the app was removed)."""

from __future__ import annotations

from typing import Any

import httpx

from cuiot.application.safety.ports import DeliveryFailed, PushMessage


def fcm_message(message: PushMessage) -> dict[str, Any]:
    """The request body ``messages:send`` expects."""
    return {"message": {
        "token": message.token,
        "notification": {"title": message.title, "body": message.body},
        "data": dict(message.data),
        "android": {"priority": "HIGH"},
    }}


def _error_code(response: httpx.Response) -> str:
    """FCM's own code (``UNREGISTERED``…), else the status name; never the message text."""
    try:
        error = response.json().get("error", {})
        codes = [d.get("errorCode") for d in error.get("details", []) if d.get("errorCode")]
        return str(codes[0] if codes else error.get("status", "")).strip()
    except (ValueError, AttributeError):
        return ""


class FcmPushProvider:
    def __init__(self, url: str, token: str, client: httpx.AsyncClient) -> None:
        self.url, self.client = url, client
        self._headers = {"Authorization": f"Bearer {token}"}

    async def push(self, message: PushMessage) -> None:
        try:
            response = await self.client.post(self.url, json=fcm_message(message),
                                              headers=self._headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"fcm: {type(exc).__name__} {str(exc)[:120]}".strip()) from exc
        if not response.is_success:
            raise DeliveryFailed(f"fcm: HTTP {response.status_code} {_error_code(response)}"
                                 .strip())

    def __repr__(self) -> str:
        return f"FcmPushProvider({self.url!r})"  # the token stays out of logs and tracebacks
