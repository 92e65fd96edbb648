"""``/ack/{token}``: the page an alert notification's link opens, public (the link's secret
is the only credential), in Spanish.

GET shows the alert, what a responder needs to know of the person (address, conditions,
doctor…: the link is the credential, so only an open link shows them), and a confirmation
button, and never changes anything: mail clients and their scanners open links on their
own. POST confirms, through ``AcknowledgeByLink``.
The form carries the link's secret and a nonce signed for it by the page (an HMAC under a
key derived from the JWT secret), and a POST that names another site as its ``Origin``
is refused: no other page can confirm on the reader's behalf. A link that is used,
expired, for an alert already handled, or unknown gets a page saying so (410, or 404)
and nothing changes. No answer is cached or leaks the link as a referrer.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from cuiot.adapters.persistence.views.ack_links import SqlAckLinkViews
from cuiot.application.safety.commands.ack_links import (
    AcknowledgeByLink,
    AcknowledgeByLinkCommand,
)
from cuiot.application.safety.queries.ack_links import AckLinkView, ShowAckLink, ShowAckLinkQuery
from cuiot.domain.ack_links import AckLinkRefused, LinkState
from cuiot.domain.auth import hash_token
from cuiot.domain.errors import NotFound, Unauthenticated
from cuiot.domain.labels import alert_type_label, severity_label
from cuiot.entrypoints.http.console.csrf import same_origin
from cuiot.entrypoints.http.deps import get_container, query, use
from cuiot.entrypoints.http.templating import templates

router = APIRouter(prefix="/ack", include_in_schema=False)
Show = Annotated[ShowAckLink, Depends(query(ShowAckLink, SqlAckLinkViews))]
Acknowledge = Annotated[AcknowledgeByLink, Depends(use(AcknowledgeByLink))]

HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
           "X-Robots-Tag": "noindex, nofollow"}
CHANNEL_LABELS = {"email": "un correo", "sms": "un SMS", "push": "una notificación push",
                  "webhook": "un aviso automático"}
_PURPOSE = b"cuiot-ack-link-page"


@dataclass(frozen=True, slots=True)
class ShownAlert:
    """The alert as the page tells it."""

    person: str
    what: str  # "presión arterial"
    severity: str  # "crítica"
    severity_value: str
    since: str  # "15/01/2026 12:00"
    level: int
    occurrences: int
    channel: str  # how the reader got the link


@router.get("/{token}")
async def show(token: str, request: Request, show: Show) -> HTMLResponse:
    try:
        found = await show(ShowAckLinkQuery(token))
    except NotFound:
        return _closed(request, None)
    if found.state is not LinkState.OPEN:
        return _closed(request, found.state)
    return _page(request, "ack/confirm.html", 200, alert=_shown(request, found.link),
                 responder=found.link.responder_info, token=token,
                 nonce=_nonce(request, token))


@router.post("/{token}")
async def confirm(token: str, request: Request, show: Show,
                  acknowledge: Acknowledge) -> HTMLResponse:
    """Acknowledges; the answer keeps what the responder needs in front of them (read
    while the link was still open: the reader just proved they held it)."""
    if not await _genuine(request, token):
        return _page(request, "ack/retry.html", 403, token=token)
    try:
        found = await show(ShowAckLinkQuery(token))
        await acknowledge(AcknowledgeByLinkCommand(token))
    except AckLinkRefused as refused:
        return _closed(request, refused.state)
    except (NotFound, Unauthenticated):
        return _closed(request, None)
    return _page(request, "ack/done.html", 200, responder=found.link.responder_info)


def _closed(request: Request, state: LinkState | None) -> HTMLResponse:
    """An unknown link is not found (404); one that no longer acknowledges is gone (410)."""
    return _page(request, "ack/closed.html", 404 if state is None else 410,
                 state=state.value if state else "unknown")


def _page(request: Request, name: str, status: int, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status,
                                      headers=HEADERS)


def _shown(request: Request, link: AckLinkView) -> ShownAlert:
    zone = ZoneInfo(get_container(request).settings().timezone)
    return ShownAlert(
        person=link.cared_person_name, what=alert_type_label(link.alert_type),
        severity=severity_label(link.severity), severity_value=link.severity.value,
        since=link.created_at.astimezone(zone).strftime("%d/%m/%Y %H:%M"),
        level=link.escalation_level, occurrences=link.occurrences,
        channel=CHANNEL_LABELS.get(link.channel.value, "un aviso"))


def _nonce(request: Request, token: str) -> str:
    """A fresh nonce for this page, signed for this link only."""
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{_signature(request, token, nonce)}"


async def _genuine(request: Request, token: str) -> bool:
    """The form came from this link's page: same link, a nonce it signed, our origin."""
    fields = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace"),
                                            keep_blank_values=True).items()}
    nonce, _, signature = fields.get("nonce", "").partition(".")
    return (hmac.compare_digest(fields.get("token", ""), token) and bool(nonce)
            and hmac.compare_digest(signature, _signature(request, token, nonce))
            and ("origin" not in request.headers or same_origin(request)))


def _signature(request: Request, token: str, nonce: str) -> str:
    secret: str = get_container(request).secret()
    key = hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()
    return hmac.new(key, f"{hash_token(token)}:{nonce}".encode(), hashlib.sha256).hexdigest()
