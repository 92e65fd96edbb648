"""Read of a cared person's protection state ("coverage"), reason by reason, evaluated
now from what is stored (the rules: ``domain/coverage.py``). Anyone who may see the
person, or an admin, may read it; anyone else is told the person does not exist.

Called like the other safety queries, the viewer inside the query, with the views bound
to one read transaction::

    coverage = await ReadCoverage(SqlCoverageViews(conn), clock=clock, policy=policy)(
        CoverageQuery(viewer, cared_person_id))

(over HTTP: ``Depends(query(ReadCoverage, SqlCoverageViews))``, which adds the
container's clock and policy). It returns a ``Coverage``; ``NotFound`` for a stranger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from cuiot.application.safety.ports import CoverageViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer
from cuiot.domain.coverage import assess
from cuiot.domain.errors import NotFound
from cuiot.domain.policy import Policy


@dataclass(frozen=True, slots=True)
class CoverageQuery:
    viewer: Viewer
    cared_person_id: UUID


@dataclass(frozen=True, slots=True)
class CoverageReason:
    """``code``: ``device_offline``, ``battery_low``, ``no_reachable_responder`` or
    ``no_delivery``; ``subject_*``: the device or the person it is about."""

    code: str
    message: str
    subject_id: UUID | None
    subject_name: str | None


@dataclass(frozen=True, slots=True)
class Coverage:
    """``state``: ``protected``, ``degraded`` or ``unprotected``; no reasons when
    protected."""

    state: str
    reasons: tuple[CoverageReason, ...]
    evaluated_at: datetime


class ReadCoverage:
    def __init__(self, coverage: CoverageViews, clock: Clock, policy: Policy) -> None:
        self.coverage, self.clock, self.policy = coverage, clock, policy

    async def __call__(self, query: CoverageQuery) -> Coverage:
        now = self.clock.now()
        inputs = await self.coverage.inputs(query.viewer, query.cared_person_id,
                                            self.clock.today(),
                                            now - self.policy.coverage_delivery_window)
        if inputs is None:
            raise NotFound("cared person", query.cared_person_id)
        found = assess(inputs, self.policy)
        return Coverage(found.state.value, tuple(
            CoverageReason(r.code.value, r.message, r.subject_id, r.subject_name)
            for r in found.reasons), now)
