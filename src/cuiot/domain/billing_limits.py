"""What an account uses, and the limits a package puts on it (DOMAIN.md section 2).

Exactly at a limit fits; one over does not. A limit of ``None`` is no limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from typing import Any

from cuiot.domain.errors import PackageLimitExceeded, ValidationFailed

BYTES_PER_GB = 1_000_000_000  # storage is sold in decimal gigabytes


class Dimension(StrEnum):
    USERS = "users"
    DEVICES = "devices"
    STORAGE_GB = "storage_gb"
    PATIENTS = "patients"


def _check_counts(obj: object, what: str) -> None:
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if value is None and what == "limit":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationFailed(f"{f.name} must be a whole number >= 0, got {value!r}",
                                   field=f.name)


def gigabytes(storage_bytes: int) -> float:
    """Bytes as gigabytes, rounded up to the hundredth so that 1 byte over shows."""
    exact = Decimal(storage_bytes) / BYTES_PER_GB
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_CEILING))


@dataclass(frozen=True, slots=True)
class Usage:
    """An account's use: users with access, active devices, stored bytes, patients."""

    users: int = 0
    devices: int = 0
    storage_bytes: int = 0
    patients: int = 0

    def __post_init__(self) -> None:
        _check_counts(self, "usage")

    def plus(self, adding: Mapping[str, int]) -> Usage:
        """This usage after adding ``{"devices": 1}``, ``{"users": 2}``, ``{"storage_gb": 1}``…"""
        more = dict(adding)
        extra_bytes = more.pop("storage_bytes", 0) + more.pop("storage_gb", 0) * BYTES_PER_GB
        unknown = set(more) - {"users", "devices", "patients"}
        if unknown:
            raise ValidationFailed(f"unknown usage dimensions {sorted(unknown)}", field="adding")
        return Usage(
            users=self.users + more.get("users", 0),
            devices=self.devices + more.get("devices", 0),
            storage_bytes=self.storage_bytes + extra_bytes,
            patients=self.patients + more.get("patients", 0),
        )


@dataclass(frozen=True, slots=True)
class Limits:
    max_users: int | None = None
    max_devices: int | None = None
    max_storage_gb: int | None = None
    max_patients: int | None = None

    def __post_init__(self) -> None:
        _check_counts(self, "limit")
        for name in ("max_users", "max_devices", "max_storage_gb", "max_patients"):
            if getattr(self, name) == 0:
                raise ValidationFailed(f"{name} must be at least 1 (leave it empty for no limit)",
                                       field=name)

    def exceeded_by(self, usage: Usage,
                    adding: Mapping[str, int] | None = None) -> list[dict[str, Any]]:
        """Every dimension that ``usage`` plus ``adding`` goes over: what is used before
        the action, what the action would add (``requested``), and the limit."""
        after = usage.plus(adding or {})
        exceeded: list[dict[str, Any]] = []
        for dimension, limit in self._limits():
            used, total = _amount(usage, dimension), _amount(after, dimension)
            if limit is not None and total > limit:
                exceeded.append({"dimension": dimension.value, "used": _shown(dimension, used),
                                 "requested": _shown(dimension, total - used),
                                 "limit": self._shown_limit(dimension)})
        return exceeded

    def ensure_fit(self, usage: Usage, adding: Mapping[str, int] | None = None) -> None:
        """Raise ``PackageLimitExceeded`` listing every dimension ``adding`` would take
        over (or ``usage`` is over already)."""
        exceeded = self.exceeded_by(usage, adding)
        if exceeded:
            raise PackageLimitExceeded(exceeded)

    def _limits(self) -> list[tuple[Dimension, int | None]]:
        """Each dimension with its limit in the unit usage counts (bytes for storage)."""
        return [(Dimension.USERS, self.max_users), (Dimension.DEVICES, self.max_devices),
                (Dimension.STORAGE_GB, self._max_storage_bytes()),
                (Dimension.PATIENTS, self.max_patients)]

    def _max_storage_bytes(self) -> int | None:
        return None if self.max_storage_gb is None else self.max_storage_gb * BYTES_PER_GB

    def _shown_limit(self, dimension: Dimension) -> int | None:
        shown: int | None = getattr(self, f"max_{dimension.value}")
        return shown


def _amount(usage: Usage, dimension: Dimension) -> int:
    return usage.storage_bytes if dimension is Dimension.STORAGE_GB else int(
        getattr(usage, dimension.value))


def _shown(dimension: Dimension, amount: int) -> int | float:
    """Storage is shown in gigabytes; the others as counted."""
    return gigabytes(amount) if dimension is Dimension.STORAGE_GB else amount
