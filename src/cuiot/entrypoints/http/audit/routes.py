"""/audit: who did what to whom, for admins; a query, one SQL statement per page. Anyone
else is refused before the query is read (``AdminPrincipal``)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from cuiot.adapters.persistence.views.audit import SqlAuditViews
from cuiot.application.audit.ports import AuditFilters
from cuiot.application.audit.queries.entries import ListAuditEntries, ListAuditEntriesQuery
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.audit import AuditAction, SubjectType
from cuiot.entrypoints.http.audit.schemas import AuditEntryOut
from cuiot.entrypoints.http.deps import AdminPrincipal, PageParams, query
from cuiot.entrypoints.http.safety.schemas import Since
from cuiot.entrypoints.http.schemas import Page

router = APIRouter(prefix="/audit", tags=["audit"])
Entries = Annotated[ListAuditEntries, Depends(query(ListAuditEntries, SqlAuditViews))]


@router.get("", response_model=Page[AuditEntryOut],
            summary="Who did what to whom, newest first (admins)")
async def list_audit(
    principal: AdminPrincipal, page: PageParams, list_: Entries,
    actor_id: Annotated[UUID | None, Query(
        description="Only what this user did",
        examples=["3f1c2a9e-7b4d-4c55-9a1e-2d6f0b8c4e11"])] = None,
    action: Annotated[AuditAction | None, Query(
        description="Only this action", examples=["role.granted"])] = None,
    subject_type: Annotated[SubjectType | None, Query(
        description="Only what was done to this kind of thing", examples=["alert"])] = None,
    subject_id: Annotated[UUID | None, Query(
        description="Only what was done to this alert, user, invoice…",
        examples=["9a7e5c3b-1d2f-4e6a-8b0c-5f4d3e2a1b09"])] = None,
    since: Annotated[Since | None, Query(
        description="From this instant, included (ISO 8601 with a zone)",
        examples=["2026-01-01T00:00:00Z"])] = None,
    until: Annotated[Since | None, Query(
        description="Up to this instant, excluded (ISO 8601 with a zone)",
        examples=["2026-02-01T00:00:00Z"])] = None,
) -> Response:
    filters = AuditFilters.of_subject(subject_id, actor_id=actor_id, action=action,
                                      subject_type=subject_type, since=since, until=until)
    viewer = Viewer.of(principal.user_id, principal.roles)
    entries = await list_(ListAuditEntriesQuery(viewer, filters, Window(page.offset, page.limit)))
    return Page[AuditEntryOut].response([AuditEntryOut.of(e) for e in entries], page.offset,
                                        page.limit)
