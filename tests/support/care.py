"""A bench for the care and user use-case tests: in-memory ports, and shortcuts that set
the scene through the use cases themselves; ``SqlBench``, the same on a real database
with the reads through the views. No tests here."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.care import SqlCareViews
from cuiot.adapters.persistence.views.identity import SqlPrincipalViews
from cuiot.application.care.commands.members import AddMember, AddMemberCommand
from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.application.care.commands.representation import (
    RequestRepresentation,
    RequestRepresentationCommand,
    VerifyRepresentation,
    VerifyRepresentationCommand,
)
from cuiot.application.identity.commands.users import RegisterUser, RegisterUserCommand
from cuiot.application.shared.queries import Viewer
from cuiot.domain.care import CaredPerson, Institution, LegalRepresentation
from cuiot.domain.policy import Policy
from cuiot.domain.users import Role, User
from tests.fakes.system import FixedClock, PlainPasswordHasher, SequentialIdGenerator
from tests.fakes.uow import InMemoryUnitOfWork
from tests.support.subscriptions import subscribe

ADULT = date(1975, 8, 12)


class Bench:
    def __init__(self, uow: InMemoryUnitOfWork | SqlAlchemyUnitOfWork, clock: FixedClock,
                 ids: SequentialIdGenerator,
                 policy: Policy, hasher: PlainPasswordHasher) -> None:
        self.uow, self.clock, self.ids, self.policy = uow, clock, ids, policy
        self.ports = {"uow": uow, "clock": clock, "ids": ids, "policy": policy,
                      "hasher": hasher}

    def use_case(self, cls: type) -> Any:
        """The use case built with the ports its ``__init__`` names."""
        names = list(inspect.signature(cls).parameters)
        return cls(**{name: self.ports[name] for name in names})

    async def call(self, cls: type, cmd: Any) -> Any:
        return await self.use_case(cls)(cmd)

    def fresh(self, entity: Any) -> Any:
        """The stored version of ``entity``: a rollback replaces what the store holds."""
        for repo in self.uow.store.repositories().values():
            found = repo.items.get(entity.id)
            if type(found) is type(entity):
                return found
        raise LookupError(entity)

    async def user(self, name: str, dob: date | None = ADULT, *roles: Role) -> User:
        user = await self.call(RegisterUser, RegisterUserCommand(
            email=f"{name.lower()}@example.com", password="secreto-123", first_name=name,
            last_name="Pérez", date_of_birth=dob))
        for role in roles:
            user.grant_role(role, self.clock.now())
        return user

    async def admin(self, name: str = "Ana") -> User:
        return await self.user(name, ADULT, Role.ADMIN)

    async def subscribe(self, holder: User) -> None:
        """The holder's account gets a subscription in force (on a package without
        limits): adding persons and inviting users need one."""
        await subscribe(self.uow, self.clock.now(), self.clock.today(), holder.id,
                        account_id=holder.id)

    async def subscribe_institution(self, institution: Institution) -> None:
        """The institution on a subscription in force (adding staff needs one)."""
        await subscribe(self.uow, self.clock.now(), self.clock.today(), institution.admin_id,
                        institution_id=institution.id)

    async def delegated(self, holder: User, name: str = "Rosa",
                        dob: date | None = date(1940, 4, 3), **fields: Any) -> CaredPerson:
        await self.subscribe(holder)
        return await self.call(AddCaredPerson, AddCaredPersonCommand(
            holder.id, name, "Gómez", date_of_birth=dob, **fields))

    async def self_care(self, person: User, **fields: Any) -> CaredPerson:
        await self.subscribe(person)
        return await self.call(AddCaredPerson, AddCaredPersonCommand(
            person.id, person.first_name, person.last_name, care_type="self_care", **fields))

    async def member(self, holder: User, cared: CaredPerson, member: User) -> None:
        await self.call(AddMember, AddMemberCommand(holder.id, cared.id,
                                                              str(member.email)))

    async def representation(self, actor: User, cared: CaredPerson, *,
                             verified_by: User | None = None,
                             valid_from: date = date(2025, 1, 1),
                             valid_until: date | None = None) -> LegalRepresentation:
        rep = await self.call(RequestRepresentation, RequestRepresentationCommand(
            actor.id, cared.id, "child", "escritura 1234", valid_from, valid_until))
        if verified_by is not None:
            await self.call(VerifyRepresentation,
                            VerifyRepresentationCommand(verified_by.id, rep.id))
        return rep


REPOSITORY = {CaredPerson: "cared_persons", Institution: "institutions",
              LegalRepresentation: "representations", User: "users"}


class SqlBench(Bench):
    """The bench on a real database: the scene is set through the same use cases (roles
    and direct changes go through a unit of work), and ``read`` runs a query on the
    views in a read transaction, as a request does."""

    def __init__(self, uow: SqlAlchemyUnitOfWork, engine: AsyncEngine, clock: FixedClock,
                 ids: SequentialIdGenerator, policy: Policy,
                 hasher: PlainPasswordHasher) -> None:
        super().__init__(uow, clock, ids, policy, hasher)
        self.engine = engine

    async def user(self, name: str, dob: date | None = ADULT, *roles: Role) -> User:
        user = await super().user(name, dob)
        if roles:
            async def grant(stored: User) -> None:
                for role in roles:
                    stored.grant_role(role, self.clock.now())
            user = await self.change(user, grant)
        return user

    async def stored(self, entity: Any) -> Any:
        """What the database holds of ``entity`` now."""
        async with self.uow:
            return await getattr(self.uow, REPOSITORY[type(entity)]).get(entity.id)

    async def change(self, entity: Any, change: Callable[[Any], Any]) -> Any:
        """Load ``entity``, apply ``change`` to it (a function, maybe async) and commit."""
        async with self.uow:
            stored = await getattr(self.uow, REPOSITORY[type(entity)]).get(entity.id)
            done = change(stored)
            if inspect.isawaitable(done):
                await done
            await self.uow.commit()
        return stored

    async def read(self, handler: type, query_of: Callable[[Viewer], Any],
                   actor_id: UUID) -> Any:
        """Run a query for ``actor_id`` (its roles read as authentication reads them)."""
        async with ReadSide(self.engine).transaction() as conn:
            roles = await SqlPrincipalViews(conn).active_roles(actor_id, self.clock.now())
            viewer = Viewer.of(actor_id, roles or frozenset())
            ports = {"views": SqlCareViews(conn), **self.ports}
            names = list(inspect.signature(handler).parameters)
            return await handler(**{name: ports[name] for name in names})(query_of(viewer))


class LimitsRecorder:
    """Stands in for the limit gate: records every call, refuses when told to."""

    def __init__(self, refuse: Exception | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.refuse = refuse

    async def __call__(self, uow: Any, **kwargs: Any) -> None:
        self.calls.append(kwargs)
        if self.refuse is not None:
            raise self.refuse
