"""A caregiver is assigned only once they accept, on SQLite and PostgreSQL: the status is
stored and answered in place, the caregiver's invitations are read in one statement, and
migration 0007 keeps the assignments made under the old rule as accepted."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.migrate import alembic_config, upgrade
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.care import SqlCareViews
from cuiot.application.care.commands.caregiving import (
    AcceptCaregiving,
    AnswerInvitationCommand,
    DeclineCaregiving,
)
from cuiot.application.care.commands.members import AssignCaregiver, AssignCaregiverCommand
from cuiot.application.care.queries.invitations import (
    ListCaregiverInvitations,
    ListCaregiverInvitationsQuery,
)
from cuiot.application.care.queries.persons import GetCaredPerson, GetCaredPersonQuery
from cuiot.application.shared.queries import Window
from cuiot.domain.care import AssignmentStatus, CaredPerson, CaregiverAssignment
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress
from tests.support.care import SqlBench
from tests.support.databases import in_thread
from tests.support.servers import fresh_postgres_database, postgres_server
from tests.support.statements import statements

ACCEPTED = AssignmentStatus.ACCEPTED
NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)


@pytest.fixture
def bench(engine, sql_uow, clock, ids, policy, hasher) -> SqlBench:
    return SqlBench(sql_uow(), engine, clock, ids, policy, hasher)


async def caregivers(bench: SqlBench, *names: str) -> list[User]:
    return [await bench.user(n, date(1980, 1, 1), Role.CAREGIVER) for n in names]


def a_user(name: str) -> User:
    return User(uuid4(), EmailAddress(f"{name}@example.com"), "h", name.title(), "Pérez", NOW,
                date_of_birth=date(1980, 1, 1))


async def invitations(bench: SqlBench, caregiver: User, offset: int = 0,
                      limit: int = 50) -> list:
    return await bench.read(ListCaregiverInvitations, lambda v: ListCaregiverInvitationsQuery(
        v, Window(offset, limit)), caregiver.id)


async def test_a_caregiver_reads_their_pending_invitations_only(bench: SqlBench) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    carla, tito = await caregivers(bench, "Carla", "Tito")
    rosa, juan = await bench.delegated(laura), await bench.delegated(laura, "Juan")
    ana = await bench.delegated(pedro, "Ana")
    for person, holder, primary in ((rosa, laura, True), (juan, laura, False),
                                    (ana, pedro, False)):
        await bench.call(AssignCaregiver, AssignCaregiverCommand(holder.id, person.id, carla.id,
                                                                 primary=primary))
    await bench.call(AssignCaregiver, AssignCaregiverCommand(laura.id, rosa.id, tito.id))
    await bench.call(AcceptCaregiving, AnswerInvitationCommand(carla.id, juan.id, carla.id))
    found = await invitations(bench, carla)
    assert [(i.cared_person_id, i.first_name, i.account_holder, i.primary) for i in found] == [
        (rosa.id, "Rosa", "Laura Pérez", True), (ana.id, "Ana", "Pedro Pérez", False)]
    assert [i.cared_person_id for i in await invitations(bench, carla, 1, 1)] == [ana.id]
    assert [i.cared_person_id for i in await invitations(bench, tito)] == [rosa.id]
    assert await invitations(bench, laura) == []


async def test_the_invitations_are_one_statement(bench: SqlBench, engine) -> None:
    laura = await bench.user("Laura")
    [carla] = await caregivers(bench, "Carla")
    for name in ("Rosa", "Juan", "Ana"):
        person = await bench.delegated(laura, name)
        await bench.call(AssignCaregiver, AssignCaregiverCommand(laura.id, person.id, carla.id))
    async with ReadSide(engine).transaction() as conn:
        with statements(engine) as seen:
            found = await SqlCareViews(conn).caregiver_invitations(carla.id, Window(0, 10))
    assert len(found) == 3 and len(seen.queries()) == 1


async def test_accepting_updates_the_rows_in_place_and_declining_deletes_one(
        bench: SqlBench, engine) -> None:
    laura = await bench.user("Laura")
    carla, tito, diego = await caregivers(bench, "Carla", "Tito", "Diego")
    rosa = await bench.delegated(laura)
    for caregiver in (carla, tito, diego):
        await bench.call(AssignCaregiver, AssignCaregiverCommand(laura.id, rosa.id,
                                                                 caregiver.id, primary=True))
    await bench.call(AcceptCaregiving, AnswerInvitationCommand(tito.id, rosa.id, tito.id))
    with statements(engine) as seen:  # Carla accepts and Tito stops being the primary
        await bench.call(AcceptCaregiving, AnswerInvitationCommand(carla.id, rosa.id, carla.id))
    assert [w.split(" SET")[0] for w in seen.writes()] == ["UPDATE cared_person_caregivers"] * 2
    with statements(engine) as seen:
        await bench.call(DeclineCaregiving, AnswerInvitationCommand(diego.id, rosa.id, diego.id))
    [delete] = seen.writes()
    assert delete.startswith("DELETE FROM cared_person_caregivers")
    stored = await bench.stored(rosa)
    assert stored.caregivers == [CaregiverAssignment(carla.id, True, ACCEPTED),
                                 CaregiverAssignment(tito.id, False, ACCEPTED)]
    view = await bench.read(GetCaredPerson, lambda v: GetCaredPersonQuery(v, rosa.id), laura.id)
    assert list(view.caregivers) == stored.caregivers


@pytest.fixture(params=["sqlite", "postgresql"])
def own_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of the test's own at the head revision, which it may downgrade."""
    if request.param == "sqlite":
        path = tmp_path / "cuiot.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    with postgres_server() as server, fresh_postgres_database(server) as url:
        in_thread(upgrade, url)
        yield url


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


async def test_0007_keeps_the_assignments_made_before_as_accepted(own_database: str) -> None:
    people = {n: a_user(n) for n in ("laura", "carla", "tito")}
    rosa = CaredPerson(uuid4(), people["laura"].id, "Rosa", "Gómez", date(1940, 4, 3), NOW,
                       caregivers=[CaregiverAssignment(people["carla"].id, True, ACCEPTED),
                                   CaregiverAssignment(people["tito"].id)])
    engine = create_engine(own_database)
    try:
        async with SqlAlchemyUnitOfWork(engine) as uow:
            for user in people.values():
                await uow.users.add(user)
            await uow.cared_persons.add(rosa)
            await uow.commit()
        await engine.dispose()
        in_thread(downgrade, own_database, "0006")  # the rule before: a row is a caregiver
        async with engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT caregiver_id, is_primary FROM cared_person_caregivers"))).all()
        assert [(str(r[0]).replace("-", ""), bool(r[1])) for r in rows] == [
            (people["carla"].id.hex, True)]  # the pending invitation gave nothing: gone
        await engine.dispose()
        in_thread(upgrade, own_database)
        async with SqlAlchemyUnitOfWork(engine) as uow:
            stored = await uow.cared_persons.get(rosa.id)
            assert stored is not None and stored.caregivers == [
                CaregiverAssignment(people["carla"].id, True, ACCEPTED)]
        with pytest.raises(IntegrityError):  # the database knows the statuses too
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE cared_person_caregivers SET status = 'maybe'"))
    finally:
        await engine.dispose()

