"""/sms/inbound: SMS replies, posted by the SMS provider, signed as CUIOT signs what it
posts (``X-CUIOT-Signature: sha256=<hex HMAC-SHA256 of the raw body>``, keyed with
``CUIOT_SMS_INBOUND_SECRET``). A reply whose text is the code of one of the sender's open
links acknowledges that alert (``AcknowledgeBySms``).

A bad or missing signature is 401 (and every request is, while the secret is unset).
Any signed reply is answered 200, matched or not: a provider retries what is not 2xx,
and a reply that matched nothing never will."""

from __future__ import annotations

import hmac
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from cuiot.adapters.notifications.webhook import SIGNATURE_HEADER, signature
from cuiot.application.safety.commands.ack_links import AcknowledgeBySms, AcknowledgeBySmsCommand
from cuiot.domain.ack_links import AckLinkRefused
from cuiot.domain.errors import NotFound, Unauthenticated
from cuiot.entrypoints.http.deps import get_container, use
from cuiot.entrypoints.http.schemas import Strict

NOTHING_MATCHED = "no open acknowledgement code of this number matched the reply: nothing changed"


async def signed_by_the_provider(request: Request) -> None:
    """Refuse (401) a body whose signature is not the shared secret's."""
    secret = get_container(request).settings().sms_inbound_secret
    given = request.headers.get(SIGNATURE_HEADER, "")
    if not secret:
        raise Unauthenticated("inbound SMS are not configured (CUIOT_SMS_INBOUND_SECRET)")
    if not hmac.compare_digest(given, signature(await request.body(), secret)):
        raise Unauthenticated(f"missing or wrong {SIGNATURE_HEADER}")


router = APIRouter(prefix="/sms", tags=["notifications"],
                   dependencies=[Depends(signed_by_the_provider)])


class SmsReplyIn(Strict):
    sender: str = Field(alias="from", min_length=1, max_length=40,
                        examples=["+5491155550000"], description="The number it came from")
    text: str = Field(max_length=1600, examples=["482913"],
                      description="What the person wrote: the code of the alert's SMS")
    id: str | None = Field(default=None, max_length=200, examples=["SM5b0e3f3a6d1c"],
                           description="The provider's id of the message, if it has one")


class SmsReplyOut(BaseModel):
    matched: bool = Field(examples=[True], description="Whether the reply acknowledged an alert")
    alert_id: UUID | None = Field(examples=["ba9bbe52-b7c8-4f2d-bcc2-de70e72bf130"])
    message: str = Field(examples=["alert acknowledged"])


@router.post("/inbound", response_model=SmsReplyOut,
             summary="An SMS reply from the provider: the code of an alert's SMS acknowledges it")
async def sms_inbound(reply: SmsReplyIn, acknowledge: Annotated[
        AcknowledgeBySms, Depends(use(AcknowledgeBySms))]) -> SmsReplyOut:
    try:
        alert = await acknowledge(AcknowledgeBySmsCommand(reply.sender, reply.text))
    except (NotFound, AckLinkRefused, Unauthenticated):
        return SmsReplyOut(matched=False, alert_id=None, message=NOTHING_MATCHED)
    return SmsReplyOut(matched=True, alert_id=alert.id, message="alert acknowledged")
