"""The audit log: who did what to whom, for every change that matters to safety or money.

An entry names its action (a small closed set), the user who acted (None when no account
acted: the operator's bootstrap of an admin, or a notification's recipient without an
account acknowledging from its link), the subject acted on (its type follows from the
action) and a small object of details. Details never hold a secret: a key that names a
password, token, secret, hash or key is refused. They stay small without ever refusing
the change they record: a long text or list is cut (and says so). The entry is written
in the unit of work of the change it records, so one never exists without the other.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from cuiot.domain.errors import ValidationFailed

MAX_TEXT_CHARS = 100  # a longer text is cut, ending in "…"
MAX_ITEMS = 10  # a longer list keeps its first items and says how many more there were
MAX_KEY_CHARS = 40
MAX_DETAILS_CHARS = 4_000  # the details as JSON, cut as above: a guard against mistakes
# A detail whose key has one of these words (``password_hash``, ``api_key``, ``tokens``).
SECRET_WORDS = frozenset({"password", "passwd", "token", "secret", "hash", "key", "salt"})


class SubjectType(StrEnum):
    """What an entry's subject is: the kind of id ``subject_id`` holds."""

    ALERT = "alert"
    USER = "user"
    REPRESENTATION = "representation"
    INVOICE = "invoice"
    COMMISSION = "commission"
    PACKAGE = "package"
    CARED_PERSON = "cared_person"


USER_NOUNS = frozenset({"role", "member", "caregiver", "staff"})  # actions on a user


class AuditAction(StrEnum):
    ALERT_ACKNOWLEDGED = "alert.acknowledged"
    ALERT_RESOLVED = "alert.resolved"
    ROLE_GRANTED = "role.granted"
    ROLE_REVOKED = "role.revoked"
    REPRESENTATION_VERIFIED = "representation.verified"
    REPRESENTATION_ENDED = "representation.ended"
    MEMBER_REMOVED = "member.removed"
    CAREGIVER_REMOVED = "caregiver.removed"
    STAFF_REMOVED = "staff.removed"
    INVOICE_PAID = "invoice.paid"
    COMMISSION_PAID = "commission.paid"
    PACKAGE_CREATED = "package.created"
    PACKAGE_CHANGED = "package.changed"
    PACKAGE_DEACTIVATED = "package.deactivated"
    CARED_PERSON_DEACTIVATED = "cared_person.deactivated"
    CARED_PERSON_REACTIVATED = "cared_person.reactivated"
    CARED_PERSON_ERASED = "cared_person.erased"
    USER_DEACTIVATED = "user.deactivated"
    USER_REACTIVATED = "user.reactivated"
    USER_ERASED = "user.erased"

    @property
    def subject_type(self) -> SubjectType:
        """A role is granted to, or revoked from, a user, and a member, caregiver or
        staff member removed is a user; every other action names its subject first
        (``invoice.paid``: an invoice)."""
        noun = self.value.partition(".")[0]
        return SubjectType.USER if noun in USER_NOUNS else SubjectType(noun)


# The words a Spanish reader sees for each action (the CLI's table; JSON keeps the value).
ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.ALERT_ACKNOWLEDGED: "atendió la alerta",
    AuditAction.ALERT_RESOLVED: "resolvió la alerta",
    AuditAction.ROLE_GRANTED: "otorgó un rol",
    AuditAction.ROLE_REVOKED: "quitó un rol",
    AuditAction.REPRESENTATION_VERIFIED: "verificó la representación",
    AuditAction.REPRESENTATION_ENDED: "terminó la representación",
    AuditAction.MEMBER_REMOVED: "quitó el acceso de un familiar",
    AuditAction.CAREGIVER_REMOVED: "quitó a un cuidador",
    AuditAction.STAFF_REMOVED: "quitó a alguien del personal",
    AuditAction.INVOICE_PAID: "registró el pago de la factura",
    AuditAction.COMMISSION_PAID: "pagó la comisión",
    AuditAction.PACKAGE_CREATED: "creó el paquete",
    AuditAction.PACKAGE_CHANGED: "modificó el paquete",
    AuditAction.PACKAGE_DEACTIVATED: "desactivó el paquete",
    AuditAction.CARED_PERSON_DEACTIVATED: "desactivó a la persona cuidada",
    AuditAction.CARED_PERSON_REACTIVATED: "reactivó a la persona cuidada",
    AuditAction.CARED_PERSON_ERASED: "borró los datos de la persona cuidada",
    AuditAction.USER_DEACTIVATED: "desactivó la cuenta",
    AuditAction.USER_REACTIVATED: "reactivó la cuenta",
    AuditAction.USER_ERASED: "borró los datos de la cuenta",
}


def action_label(action: AuditAction | str) -> str:
    return ACTION_LABELS[AuditAction(action)]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change, as recorded. ``at`` is kept in UTC; ``details`` is checked (above)."""

    action: AuditAction
    actor_id: UUID | None
    subject_id: UUID
    at: datetime
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.at.utcoffset() is None:
            raise ValidationFailed("an audit entry's time needs its zone", field="at")
        object.__setattr__(self, "action", AuditAction(self.action))
        object.__setattr__(self, "at", self.at.astimezone(UTC))
        object.__setattr__(self, "details", checked_details(self.details))

    @property
    def subject_type(self) -> SubjectType:
        return self.action.subject_type


def checked_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """A plain copy of ``details``: JSON values only (no floats: amounts are in cents),
    no key naming a secret at any depth, long texts and lists cut; at most
    ``MAX_DETAILS_CHARS`` as JSON."""
    copied = {_checked_key(k, "details"): _checked(v, f"details.{k}")
              for k, v in details.items()}
    if len(json.dumps(copied, ensure_ascii=False)) > MAX_DETAILS_CHARS:
        raise ValidationFailed(f"audit details are limited to {MAX_DETAILS_CHARS} characters",
                               field="details")
    return copied


def _checked(value: Any, where: str) -> Any:
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT_CHARS else value[:MAX_TEXT_CHARS - 1] + "…"
    if isinstance(value, (list, tuple)):
        kept = [_checked(v, where) for v in value[:MAX_ITEMS]]
        return kept + ([f"… {len(value) - MAX_ITEMS} more"] if len(value) > MAX_ITEMS else [])
    if isinstance(value, Mapping):
        return {_checked_key(k, where): _checked(v, f"{where}.{k}") for k, v in value.items()}
    raise ValidationFailed(f"audit {where} holds a {type(value).__name__}: "
                           "text, whole numbers, booleans, lists and objects only",
                           field="details")


def _checked_key(key: Any, where: str) -> str:
    if not isinstance(key, str) or not 0 < len(key) <= MAX_KEY_CHARS:
        raise ValidationFailed(f"audit {where} has a key that is not a short text",
                               field="details")
    words = key.lower().replace("-", "_").split("_")
    if any(w in SECRET_WORDS or w.removesuffix("s") in SECRET_WORDS for w in words):
        raise ValidationFailed(f"audit {where} may not hold {key!r}: never a secret",
                               field="details")
    return key


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for each field whose value differs."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


__all__ = ["AuditAction", "AuditEntry", "SubjectType", "action_label", "changes",
           "checked_details"]
