"""``cuiot users deactivate|reactivate|erase`` and ``cuiot persons
deactivated|deactivate|reactivate|erase``: taking access and monitoring back, and
erasing personal data on request, as an admin runs them (the same use cases as
``POST /users/{id}/…`` and ``POST /cared-persons/{id}/…``). Erasing asks for
confirmation unless ``--yes`` is given: it cannot be undone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import typer

from cuiot.adapters.persistence.views.lifecycle import SqlDeactivatedPersonViews
from cuiot.application.care.commands.lifecycle import (
    CaredPersonCommand,
    DeactivateCaredPerson,
    EraseCaredPerson,
    ReactivateCaredPerson,
)
from cuiot.application.care.ports import CaredPersonView
from cuiot.application.care.queries.lifecycle import (
    ListDeactivatedCaredPersons,
    ListDeactivatedCaredPersonsQuery,
)
from cuiot.application.identity.commands.lifecycle import (
    DeactivateUser,
    EraseUser,
    ReactivateUser,
    UserLifecycleCommand,
)
from cuiot.application.shared.id_prefixes import MIN_PREFIX_CHARS, IdKind
from cuiot.application.shared.queries import Viewer
from cuiot.domain.care import CaredPerson
from cuiot.domain.errors import NotFound
from cuiot.domain.values import EmailAddress
from cuiot.entrypoints.cli.arguments import LIMIT, OFFSET, full_id, id_argument, window
from cuiot.entrypoints.cli.output import Page, emit, emit_one
from cuiot.entrypoints.cli.runtime import admin_actor, run
from cuiot.entrypoints.cli.users import AS_ADMIN, JSON, user_row
from cuiot.entrypoints.container import Container, use_case

persons_app = typer.Typer(help="Cared persons: monitoring stopped and resumed, data erased.",
                          no_args_is_help=True)

USER = typer.Argument(..., show_default=False, metavar="EMAIL_OR_ID",
                      help=f"The user's email, or id (or its first {MIN_PREFIX_CHARS} or more "
                           "characters).")
PERSON_ID = id_argument(IdKind.CARED_PERSON)
YES = typer.Option(False, "--yes", help="Erase without asking: it cannot be undone.")
PERSON_COLUMNS = {"id": "id", "name": "name", "account_id": "account",
                  "deactivated_at": "deactivated", "erased_at": "erased"}
UserCase = type[DeactivateUser] | type[ReactivateUser] | type[EraseUser]
PersonCase = (type[DeactivateCaredPerson] | type[ReactivateCaredPerson]
              | type[EraseCaredPerson])


async def user_named(c: Container, text: str) -> UUID:
    """The user an email names, or an id (or its prefix)."""
    if "@" not in text:
        return await full_id(c, IdKind.USER, text)
    async with c.uow() as uow:
        found = await uow.users.get_by_email(EmailAddress(text))
    if found is None:
        raise NotFound("user", text)
    return found.id


def person_row(person: CaredPerson | CaredPersonView) -> dict[str, Any]:
    return {"id": person.id, "name": f"{person.first_name} {person.last_name}",
            "account_id": person.account_id, "active": person.deactivated_at is None,
            "deactivated_at": person.deactivated_at, "erased_at": person.erased_at}


def _confirm(what: str, yes: bool) -> None:
    if not yes:
        typer.confirm(f"Erase the personal data of {what}? It cannot be undone", abort=True)


def _on_user(case: UserCase, user: str, as_: str | None) -> Callable[[Container],
                                                                      Awaitable[dict[str, Any]]]:
    async def work(c: Container) -> dict[str, Any]:
        command = UserLifecycleCommand(await admin_actor(c, as_), await user_named(c, user))
        done = await use_case(c, case)(command)
        return user_row(done, c.clock().now()) | {"deactivated_at": done.deactivated_at,
                                                  "erased_at": done.erased_at}
    return work


def _on_person(case: PersonCase, person: str, as_: str | None,
               ) -> Callable[[Container], Awaitable[dict[str, Any]]]:
    async def work(c: Container) -> dict[str, Any]:
        command = CaredPersonCommand(await admin_actor(c, as_),
                                     await full_id(c, IdKind.CARED_PERSON, person))
        return person_row(await use_case(c, case)(command))
    return work


def deactivate_user(user: str = USER, as_: str | None = AS_ADMIN, json_: bool = JSON) -> None:
    """Deactivate an account: no more logins, sessions ended at once, nothing more told."""
    emit_one(run(_on_user(DeactivateUser, user, as_)), json_, "User deactivated")


def reactivate_user(user: str = USER, as_: str | None = AS_ADMIN, json_: bool = JSON) -> None:
    """Reactivate a deactivated account (not an erased one)."""
    emit_one(run(_on_user(ReactivateUser, user, as_)), json_, "User reactivated")


def erase_user(user: str = USER, yes: bool = YES, as_: str | None = AS_ADMIN,
               json_: bool = JSON) -> None:
    """Erase a deactivated account's personal data, on the user's request."""
    _confirm(user, yes)
    emit_one(run(_on_user(EraseUser, user, as_)), json_, "User erased")


@persons_app.command("deactivated")
def list_deactivated(offset: int = OFFSET, limit: int = LIMIT, as_: str | None = AS_ADMIN,
                     json_: bool = JSON) -> None:
    """List the deactivated cared persons, oldest first."""
    page = window(offset, limit)

    async def work(c: Container) -> Page:
        query = ListDeactivatedCaredPersonsQuery(Viewer(await admin_actor(c, as_), True), page)
        async with c.read_side().transaction() as conn:
            found = await ListDeactivatedCaredPersons(SqlDeactivatedPersonViews(conn),
                                                      clock=c.clock())(query)
        return Page.of([person_row(p) for p in found], page)

    emit(run(work), PERSON_COLUMNS, json_, "Deactivated cared persons")


@persons_app.command("deactivate")
def deactivate_person(person: str = PERSON_ID, as_: str | None = AS_ADMIN,
                      json_: bool = JSON) -> None:
    """Stop watching over a cared person: no alerts from their devices, open ones closed."""
    emit_one(run(_on_person(DeactivateCaredPerson, person, as_)), json_,
             "Cared person deactivated")


@persons_app.command("reactivate")
def reactivate_person(person: str = PERSON_ID, as_: str | None = AS_ADMIN,
                      json_: bool = JSON) -> None:
    """Watch over a deactivated cared person again (within the package's limits)."""
    emit_one(run(_on_person(ReactivateCaredPerson, person, as_)), json_,
             "Cared person reactivated")


@persons_app.command("erase")
def erase_person(person: str = PERSON_ID, yes: bool = YES, as_: str | None = AS_ADMIN,
                 json_: bool = JSON) -> None:
    """Erase a deactivated cared person's personal data, on request."""
    _confirm(f"cared person {person}", yes)
    emit_one(run(_on_person(EraseCaredPerson, person, as_)), json_, "Cared person erased")
