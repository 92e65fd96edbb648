"""``cuiot audit``: the audit log, read by an admin with the same filters as
``GET /api/v1/audit``: who acted (an email, or a user's id or its prefix), what they did,
to what (a kind of thing, an id or its prefix) and when."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import typer

from cuiot.adapters.persistence.views.audit import SqlAuditViews
from cuiot.application.audit.ports import AuditEntryView, AuditFilters
from cuiot.application.audit.queries.entries import ListAuditEntries, ListAuditEntriesQuery
from cuiot.application.shared.id_prefixes import IdKind, prefix_range
from cuiot.application.shared.queries import Viewer
from cuiot.domain.audit import AuditAction, SubjectType, action_label
from cuiot.domain.values import EmailAddress
from cuiot.entrypoints.cli.arguments import LIMIT, OFFSET, full_id, instant, window
from cuiot.entrypoints.cli.output import Labels, Page, emit, fail
from cuiot.entrypoints.cli.runtime import admin_actor, run
from cuiot.entrypoints.cli.users import AS_ADMIN, JSON
from cuiot.entrypoints.container import Container

audit_app = typer.Typer(help="The audit log: who did what to whom.", no_args_is_help=True)

COLUMNS = {"at": "when", "actor": "who", "action": "did", "subject": "to whom / what",
           "details": "details"}
LABELS: Labels = {"action": action_label}
TIME_HELP = ("ISO 8601, e.g. 2026-01-15 or 2026-01-15T10:00:00Z; without a zone, in the "
             "zone the table shows")
NO_ACCOUNT = "sin cuenta"


def entry_row(e: AuditEntryView) -> dict[str, Any]:
    """What ``--json`` prints: the HTTP API's fields."""
    return {"id": e.id, "at": e.at, "action": e.action, "actor_id": e.actor_id,
            "actor_name": e.actor_name, "actor_email": e.actor_email,
            "subject_type": e.subject_type, "subject_id": e.subject_id,
            "subject_label": e.subject_label, "details": e.details}


def shown_row(e: AuditEntryView) -> dict[str, Any]:
    """What a person reads: names, the action in words, the details in one line."""
    subject = e.subject_label or f"{e.subject_type.value} {e.subject_id.hex[:8]}"
    return {"at": e.at, "actor": e.actor_name or NO_ACCOUNT, "action": e.action,
            "subject": subject, "details": details_text(e.details)}


def details_text(details: dict[str, Any]) -> str:
    """``key: value`` pairs; ids are left to ``--json`` (the table names what it can)."""
    return "; ".join(f"{k}: {v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}"
                     for k, v in details.items() if v is not None and not k.endswith("_id"))


async def actor_id_of(c: Container, text: str) -> UUID:
    """A user named by email, or by id or the prefix a table printed."""
    if "@" not in text:
        return await full_id(c, IdKind.USER, text)
    async with c.uow() as uow:
        user = await uow.users.get_by_email(EmailAddress(text))
    if user is None:
        fail(f"no user has the email {text}")
    return user.id


@audit_app.command("list")
def list_entries(
    actor: str | None = typer.Option(None, "--actor",
                                     help="Who acted: an email, or a user's id or prefix."),
    action: AuditAction | None = typer.Option(None, "--action", help="Only this action."),
    subject_type: SubjectType | None = typer.Option(
        None, "--subject-type", help="Only what was done to this kind of thing."),
    subject: str | None = typer.Option(
        None, "--subject", help="Only what was done to this id (or an id's prefix)."),
    since: str | None = typer.Option(None, "--since", help=f"From (included): {TIME_HELP}."),
    until: str | None = typer.Option(None, "--until", help=f"Up to (excluded): {TIME_HELP}."),
    offset: int = OFFSET, limit: int = LIMIT, as_: str | None = AS_ADMIN, json_: bool = JSON,
) -> None:
    """Who did what to whom, newest first."""
    page = window(offset, limit)
    times = instant(since, "--since"), instant(until, "--until")

    async def work(c: Container) -> list[AuditEntryView]:
        viewer = Viewer(await admin_actor(c, as_), is_admin=True)  # an active admin
        filters = AuditFilters(
            actor_id=None if actor is None else await actor_id_of(c, actor), action=action,
            subject_type=subject_type,
            subject_ids=None if subject is None else prefix_range(subject),
            since=times[0], until=times[1])
        async with c.read_side().transaction() as conn:
            return await ListAuditEntries(SqlAuditViews(conn), clock=c.clock())(
                ListAuditEntriesQuery(viewer, filters, page))

    entries = run(work)
    rows = [(entry_row if json_ else shown_row)(e) for e in entries]
    emit(Page.of(rows, page), COLUMNS, json_, "Audit log", LABELS)
