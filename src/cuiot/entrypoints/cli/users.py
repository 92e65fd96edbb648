"""``cuiot admin`` and ``cuiot users``: who may run CUIOT and with which roles."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import typer

from cuiot.adapters.persistence.views.identity import SqlUserViews
from cuiot.application.identity.commands.users import (
    CreateAdmin,
    CreateAdminCommand,
    GrantRole,
    GrantRoleCommand,
    RevokeRole,
    RevokeRoleCommand,
)
from cuiot.application.identity.ports import UserView
from cuiot.application.identity.queries.users import ListUsers, ListUsersQuery
from cuiot.application.shared.id_prefixes import IdKind
from cuiot.application.shared.queries import Viewer
from cuiot.domain.users import Role, User
from cuiot.entrypoints.cli.arguments import LIMIT, OFFSET, full_id, id_argument, window
from cuiot.entrypoints.cli.output import Page, console, emit, emit_one
from cuiot.entrypoints.cli.runtime import admin_actor, run
from cuiot.entrypoints.container import Container, use_case

admin_app = typer.Typer(help="Bootstrap administrators.", no_args_is_help=True)
users_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)

AS_ADMIN = typer.Option(None, "--as", help="Act as this admin (email); default: the only admin.")
JSON = typer.Option(False, "--json", help="Print JSON for scripts.")
EXPIRES_AT = typer.Option(None, help="UTC instant the role ends, e.g. 2027-01-31T00:00:00Z.")
USER_ID = id_argument(IdKind.USER)
USER_COLUMNS = {"id": "id", "email": "email", "name": "name", "roles": "roles",
                "active": "active", "created_at": "created"}
ROLE = typer.Argument(..., show_default=False)


def user_row(user: User, now: datetime) -> dict[str, Any]:
    return {"id": user.id, "email": user.email.value, "name": user.full_name,
            "roles": ", ".join(sorted(r.value for r in user.active_roles(now))),
            "active": user.is_active, "created_at": user.created_at}


def view_row(user: UserView) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "name": user.full_name,
            "roles": ", ".join(sorted(r.role.value for r in user.roles)),
            "active": user.is_active, "created_at": user.created_at}


@admin_app.command("create")
def create_admin(
    email: str = typer.Option(..., "--email", help="The admin's email."),
    password: str | None = typer.Option(
        None, "--password", help="Left out: asked for, hidden.", show_default=False),
    json_: bool = JSON,
) -> None:
    """Create an admin (or make an existing user one)."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)

    async def work(c: Container) -> tuple[User, bool]:
        return await use_case(c, CreateAdmin)(CreateAdminCommand(email=email, password=password))

    user, created = run(work)
    if json_:
        emit_one({"id": user.id, "email": user.email.value, "created": created}, True)
    else:
        console.print(f"{'created' if created else 'promoted'} admin {user.email.value} "
                      f"({user.id})")


@users_app.command("list")
def list_users(offset: int = OFFSET, limit: int = LIMIT,
               as_: str | None = AS_ADMIN, json_: bool = JSON) -> None:
    """List users with their active roles."""
    page = window(offset, limit)

    async def work(c: Container) -> Page:
        actor = await admin_actor(c, as_)  # an active admin
        query = ListUsersQuery(Viewer(actor, is_admin=True), page)
        async with c.read_side().transaction() as conn:
            users = await ListUsers(SqlUserViews(conn), clock=c.clock())(query)
        return Page.of([view_row(u) for u in users], page)

    emit(run(work), USER_COLUMNS, json_, "Users")


@users_app.command("grant-role")
def grant_role(user_id: str = USER_ID, role: Role = ROLE,
               expires_at: datetime | None = EXPIRES_AT, as_: str | None = AS_ADMIN,
               json_: bool = JSON) -> None:
    """Give a user a role, optionally until a given instant."""
    if expires_at is not None and expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)

    async def work(c: Container) -> dict[str, Any]:
        actor = await admin_actor(c, as_)
        cmd = GrantRoleCommand(actor, await full_id(c, IdKind.USER, user_id), role.value,
                               expires_at)
        return user_row(await use_case(c, GrantRole)(cmd), c.clock().now())

    emit_one(run(work), json_, "Role granted")


@users_app.command("revoke-role")
def revoke_role(user_id: str = USER_ID, role: Role = ROLE, as_: str | None = AS_ADMIN,
                json_: bool = JSON) -> None:
    """Take a role away from a user."""

    async def work(c: Container) -> dict[str, Any]:
        actor = await admin_actor(c, as_)
        cmd = RevokeRoleCommand(actor, await full_id(c, IdKind.USER, user_id), role.value)
        return user_row(await use_case(c, RevokeRole)(cmd), c.clock().now())

    emit_one(run(work), json_, "Role revoked")
