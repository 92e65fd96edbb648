"""One tree of domain errors, each with a stable machine ``code`` and its details.

They never know about HTTP or the CLI: entrypoints map the classes to status codes and
exit codes in one table each.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule refused something. ``code`` is stable; ``details`` say why."""

    code: str = "domain_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, {self.details!r})"


class ValidationFailed(DomainError):
    """A value cannot exist as given (a rating of 7, a negative amount)."""

    code = "validation_error"


class InvalidReading(ValidationFailed):
    """A device reading no living person or working sensor could produce."""

    code = "invalid_reading"


class NotFound(DomainError):
    code = "not_found"

    def __init__(self, entity: str, ident: object) -> None:
        super().__init__(f"{entity} {ident} not found", entity=entity, id=str(ident))


class Forbidden(DomainError):
    """The actor may not do this to this resource (decided from data, not roles alone)."""

    code = "forbidden"


class Conflict(DomainError):
    """The request contradicts the current state (paid twice, duplicate, already open)."""

    code = "conflict"


class LegalCapacityDenied(DomainError):
    """Nobody here may legally contract this care. ``details['reason']`` names the rule."""

    code = "legal_capacity_denied"

    def __init__(self, reason: str, message: str | None = None, **details: Any) -> None:
        super().__init__(message or f"legal capacity denied: {reason}", reason=reason, **details)
        self.reason = reason


class PackageLimitExceeded(DomainError):
    """Usage does not fit a package. ``details['exceeded']`` lists each dimension with
    what is used before the refused action, what it would add and the limit."""

    code = "package_limit_exceeded"

    def __init__(self, exceeded: list[dict[str, Any]]) -> None:
        text = ", ".join(_over_limit(e) for e in exceeded)
        super().__init__(f"package limits exceeded: {text}", exceeded=exceeded)
        self.exceeded = exceeded


class SubscriptionRequired(DomainError):
    """An administrative action that adds to an account (registering or reactivating a
    device, adding a cared person, inviting a user) was asked of an account with no
    subscription in force. ``details['action']`` names the action."""

    code = "subscription_required"

    def __init__(self, action: str, what: str, **details: Any) -> None:
        super().__init__(f"a subscription in force is needed to {what}: subscribe to a "
                         "package first", action=action, **details)
        self.action = action


def _over_limit(exceeded: dict[str, Any]) -> str:
    """``devices 3 + 1 requested, limit 3``; ``devices 9, limit 8`` when nothing is added."""
    requested = exceeded.get("requested")
    more = f" + {requested} requested" if requested else ""
    return f"{exceeded['dimension']} {exceeded['used']}{more}, limit {exceeded['limit']}"


class MonitoringStopped(Conflict):
    """A device of a deactivated cared person spoke: nothing it sends is kept as theirs
    or opens an alert (the message is refused with this reason)."""

    code = "cared_person_deactivated"

    def __init__(self, device_id: str, cared_person_id: object) -> None:
        super().__init__(f"device {device_id} watches a deactivated cared person: monitoring "
                         "is stopped", device_id=device_id,
                         cared_person_id=str(cared_person_id))


class InvalidStateTransition(Conflict):
    code = "invalid_state_transition"

    def __init__(self, entity: str, current: str, action: str) -> None:
        DomainError.__init__(
            self,
            f"cannot {action} a {entity} that is {current}",
            entity=entity,
            status=current,
            action=action,
        )


class ReferralInvalid(DomainError):
    """A referral code cannot be used. ``details['reason']`` says why."""

    code = "referral_invalid"

    def __init__(self, reason: str, message: str | None = None) -> None:
        super().__init__(message or f"referral code not valid: {reason}", reason=reason)
        self.reason = reason


class Unauthenticated(DomainError):
    """Credentials are missing, wrong, expired or revoked."""

    code = "unauthenticated"


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            f"too many requests; retry in {retry_after_seconds} s",
            retry_after_seconds=retry_after_seconds,
        )
        self.retry_after_seconds = retry_after_seconds
