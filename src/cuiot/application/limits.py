"""The package-limit gate for administrative actions (registering a device, inviting a
user, adding a cared person). Never called on the safety path: telemetry and alerts
are not gated by limits or by a suspended subscription.
"""

from __future__ import annotations

from uuid import UUID

from cuiot.application.uow import UnitOfWork
from cuiot.domain.policy import Policy


async def ensure_within_limits(
    uow: UnitOfWork,
    *,
    account_id: UUID | None,
    institution_id: UUID | None = None,
    adding: dict[str, int],
    policy: Policy,
) -> None:
    """Raise ``PackageLimitExceeded`` when the account's active package would be
    exceeded after ``adding`` (dimension → how many more: ``{"devices": 1}``,
    ``{"users": 1}``, ``{"patients": 1}``). Dimensions: users, devices, storage_gb,
    patients. An account without an active package is not gated here."""
    # Filled in by the packages-and-limits rule set.
    return None
