"""Shapes shared by every route: the error body, pages, money."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from cuiot.domain.errors import SubscriptionRequired
from cuiot.domain.money import Money
from cuiot.domain.subscriptions import GatedAction

T = TypeVar("T")


class Strict(BaseModel):
    """Request bodies: no unknown fields. Numbers and booleans use ``StrictInt`` and
    ``StrictBool`` (no "false" → 0); dates and UUIDs parse from their ISO strings."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        """PostgreSQL cannot store NUL in text: refuse it here, for every field, as 422."""
        if _has_nul(data):
            raise ValueError("text may not contain the NUL character")
        return data


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


class ErrorBody(BaseModel):
    error: str = Field(examples=["not_found"])
    message: str = Field(examples=["cared person 7b1… not found"])
    details: dict[str, Any] = Field(default_factory=dict)


class MoneyOut(BaseModel):
    cents: int = Field(examples=[1815000])
    currency: str = Field(examples=["ARS"])
    display: str = Field(examples=["ARS 18,150.00"])

    @classmethod
    def of(cls, money: Money) -> MoneyOut:
        return cls(cents=money.cents, currency=money.currency, display=str(money))


class Page(BaseModel, Generic[T]):
    items: list[T]
    offset: int
    limit: int
    next_offset: int | None = Field(
        description="Pass as ?offset= to get the next page; null on the last page.")

    @classmethod
    def of(cls, items: list[Any], offset: int, limit: int) -> Page[Any]:
        """``items`` fetched with ``limit + 1`` tells whether another page exists."""
        more = len(items) > limit
        return cls(items=items[:limit], offset=offset, limit=limit,
                   next_offset=offset + limit if more else None)

    @classmethod
    def response(cls, items: list[Any], offset: int, limit: int) -> Response:
        """``of``, serialised at once. The items were built from a view's typed rows:
        neither the page nor FastAPI's response model needs to validate them again (the
        route keeps ``response_model`` for its OpenAPI schema)."""
        more = len(items) > limit
        page = cls.model_construct(items=items[:limit], offset=offset, limit=limit,
                                   next_offset=offset + limit if more else None)
        return Response(page.model_dump_json(), media_type="application/json")


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed request (e.g. a body that is not JSON)"},
    401: {"model": ErrorBody, "description": "Missing, invalid, expired or revoked token"},
    403: {"model": ErrorBody, "description": "Not allowed (a role, or a legal rule)"},
    404: {"model": ErrorBody, "description": "Not found, or not yours"},
    409: {"model": ErrorBody, "description": "Conflicts with the current state or a limit"},
    422: {"model": ErrorBody, "description": "Does not match the schema or a rule"},
    429: {"model": ErrorBody, "description": "Too many requests; see Retry-After"},
}


def subscription_required(action: GatedAction) -> dict[int | str, dict[str, Any]]:
    """The 402 of a route gated by a subscription in force (``subscription_required``),
    with the refusal it answers as its example."""
    refusal = SubscriptionRequired(action.value, action.text)
    return {402: {
        "model": ErrorBody,
        "description": "`subscription_required`: no subscription in force on the account, "
                       "nor on the cared person's institution. Subscribe first "
                       "(`POST /user-packages/`). Admins are not gated, and devices already "
                       "registered go on reporting and raising alerts without one.",
        "content": {"application/json": {"example": {
            "error": refusal.code, "message": refusal.message, "details": refusal.details}}}}}
