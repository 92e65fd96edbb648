"""The last known protection state of each cared person (``domain/coverage.py``):
``coverage_states``, one row per person evaluated, kept to tell a lapse (a change for
the worse, which opens a ``coverage_lapsed`` alert) from a state that continues. What
the state is made of is computed at each evaluation and each read, never stored."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Table, Uuid

from cuiot.adapters.persistence.orm import fk, mapper_registry, mapping, metadata
from cuiot.adapters.persistence.types import EnumText, UtcDateTime
from cuiot.domain.coverage import CoverageRecord, CoverageState

COVERAGE_STATES = ("protected", "degraded", "unprotected")

coverage_states = Table(
    "coverage_states", metadata,
    Column("cared_person_id", Uuid, fk("cared_persons.id", ondelete="CASCADE"),
           primary_key=True),
    Column("state", EnumText(CoverageState, 12), nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Column("evaluated_at", UtcDateTime, nullable=False),
    CheckConstraint(f"state IN ({', '.join(repr(s) for s in COVERAGE_STATES)})", name="state"),
)


@mapping
def map_coverage() -> None:
    mapper_registry.map_imperatively(CoverageRecord, coverage_states)
