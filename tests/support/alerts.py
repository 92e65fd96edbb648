"""A bench for the safety-core tests (devices, ingestion, alerts, escalation, checks):
in-memory ports, a family set straight into the store, and shortcuts that drive the use
cases. Used by tests/unit and by the safety features. No tests here."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.orm.safety import alerts, events, notifications
from cuiot.adapters.persistence.views import ReadSide
from cuiot.application.safety.commands.devices import RegisterDevice, RegisterDeviceCommand
from cuiot.application.safety.commands.escalation import EscalateDueAlerts
from cuiot.application.safety.commands.ingest import (
    IngestDeviceEvent,
    IngestDeviceEventCommand,
    IngestReading,
    IngestReadingCommand,
    IngestResult,
)
from cuiot.application.shared.queries import Viewer
from cuiot.domain.alerts import Alert
from cuiot.domain.care import (
    AssignmentStatus,
    CaredPerson,
    CaregiverAssignment,
    CareType,
    EmergencyContact,
    Institution,
    LegalRepresentation,
    Relationship,
)
from cuiot.domain.devices import Device
from cuiot.domain.notifications import Notification
from cuiot.domain.policy import DEFAULT_POLICY, Policy
from cuiot.domain.sensor_events import SensorEvent
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress
from tests.fakes.system import (
    FixedClock,
    RecordingEventPublisher,
    SeededRandomSource,
    SequentialIdGenerator,
)
from tests.fakes.uow import InMemoryStore, InMemoryUnitOfWork
from tests.support.subscriptions import in_force, unlimited_package

NOON = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)  # 12:00 in Buenos Aires
BP_NORMAL = {"systolic": 120, "diastolic": 80, "pulse": 72}
BP_CRITICAL = {"systolic": 190, "diastolic": 100, "pulse": 80}


class SafetyBench:
    def __init__(self, policy: Policy = DEFAULT_POLICY, now: datetime = NOON) -> None:
        self.store = InMemoryStore()
        self.publisher = RecordingEventPublisher()
        self.uow = InMemoryUnitOfWork(self.store, self.publisher)
        self.clock = FixedClock(now)
        self.ids = SequentialIdGenerator()
        self.rng = SeededRandomSource(7)
        self.policy = policy
        self.ports = {"uow": self.uow, "clock": self.clock, "ids": self.ids, "rng": self.rng,
                      "policy": self.policy}
        self._devices = 0

    # --- running use cases -------------------------------------------------------------
    def use_case(self, cls: type) -> Any:
        """The use case built with the ports its ``__init__`` names."""
        return cls(**{name: self.ports[name] for name in inspect.signature(cls).parameters})

    async def call(self, cls: type, cmd: Any = None) -> Any:
        return await (self.use_case(cls)(cmd) if cmd is not None else self.use_case(cls)())

    def advance(self, **delta: float) -> None:
        self.clock.advance(timedelta(**delta))

    def fresh(self, entity: Any) -> Any:
        """The stored version of ``entity``: a rollback (any use case that does not
        commit) puts copies in the store, so held objects may be stale."""
        for repo in self.store.repositories().values():
            found = repo.items.get(entity.id)
            if type(found) is type(entity):
                return found
        raise LookupError(entity)

    # --- people, set straight into the store ---------------------------------------------
    def user(self, name: str, *roles: Role, phone: str | None = None) -> User:
        user = User(id=self.ids.new_id(), email=EmailAddress(f"{name.lower()}@example.com"),
                    password_hash="x", first_name=name, last_name="Pérez",
                    created_at=self.clock.now(), date_of_birth=date(1970, 1, 1), phone=phone)
        for role in roles:
            user.grant_role(role, self.clock.now())
        self.store.users.items[user.id] = user
        return user

    def person(self, holder: User, name: str = "Elena", subscribed: bool = True,
               **fields: Any) -> CaredPerson:
        """``subscribed``: the holder's account has a subscription in force (no limits)."""
        person = CaredPerson(id=self.ids.new_id(), account_id=holder.id, first_name=name,
                             last_name="Gómez", date_of_birth=date(1940, 3, 1),
                             created_at=self.clock.now(), **fields)
        self.store.cared_persons.items[person.id] = person
        if subscribed:
            self.subscribe(holder)
        return person

    def subscribe(self, holder: User) -> None:
        """A subscription in force for the holder's account, on a package without limits."""
        subs = self.store.subscriptions.items.values()
        if any(s.account_id == holder.id and s.in_force_on(self.clock.today()) for s in subs):
            return
        package = unlimited_package()
        self.store.packages.items[package.id] = package
        subscription = in_force(package, self.clock.now(), self.clock.today(), holder.id,
                                account_id=holder.id)
        self.store.subscriptions.items[subscription.id] = subscription

    def self_caring(self, user: User) -> CaredPerson:
        return self.person(user, user.first_name, care_type=CareType.SELF_CARE, user_id=user.id)

    def representative(self, person: CaredPerson, user: User) -> LegalRepresentation:
        rep = LegalRepresentation(id=self.ids.new_id(), cared_person_id=person.id,
                                  representative_id=user.id, relationship=Relationship.CHILD,
                                  document_ref="poder 12", valid_from=date(2025, 1, 1),
                                  created_at=self.clock.now(), verified=True)
        self.store.representations.items[rep.id] = rep
        return rep

    def caregiver(self, person: CaredPerson, user: User, primary: bool = False,
                  status: AssignmentStatus = AssignmentStatus.ACCEPTED) -> None:
        """A caregiver of the person (one who accepted, unless ``status`` says otherwise)."""
        self.fresh(person).caregivers.append(CaregiverAssignment(user.id, primary, status))

    def institution(self, person: CaredPerson, admin: User, *on_call: User) -> Institution:
        institution = Institution(id=self.ids.new_id(), name="Hogar Sol", admin_id=admin.id,
                                  created_at=self.clock.now(), on_call_ids={u.id for u in on_call})
        self.store.institutions.items[institution.id] = institution
        self.fresh(person).institution_id = institution.id
        return institution

    def contact(self, person: CaredPerson, name: str, email: str | None = None,
                phone: str | None = None) -> None:
        self.fresh(person).emergency_contacts.append(EmergencyContact(name, email, phone))

    # --- devices and what they send -----------------------------------------------------
    async def device(self, person: CaredPerson, device_type: str = "blood_pressure",
                     device_id: str | None = None, config: dict | None = None) -> Device:
        self._devices += 1
        registered = await self.call(RegisterDevice, RegisterDeviceCommand(
            actor_id=person.account_id, device_id=device_id or f"dev-{self._devices}",
            name=f"{device_type} {self._devices}", device_type=device_type,
            cared_person_id=person.id, config=config))
        return registered.device

    async def reading(self, device: Device, data: dict, *, type: str | None = None,
                      msg_id: str | None = None, ts: datetime | None = None,
                      battery: Any = None) -> IngestResult:
        return await self.call(IngestReading, IngestReadingCommand(
            device_id=device.device_id, msg_id=msg_id or f"m{self.ids.new_id().int}",
            type=type or device.device_type.value, data=data, ts=ts, battery_level=battery))

    async def device_event(self, device: Device, event: str, msg_id: str | None = None,
                           ts: datetime | None = None) -> IngestResult:
        return await self.call(IngestDeviceEvent, IngestDeviceEventCommand(
            device_id=device.device_id, msg_id=msg_id or f"m{self.ids.new_id().int}",
            event=event, ts=ts))

    async def escalate(self) -> int:
        return await self.call(EscalateDueAlerts)

    # --- what the store holds -----------------------------------------------------------
    def events(self) -> list[SensorEvent]:
        return list(self.store.events.all())

    def alerts(self) -> list[Alert]:
        return list(self.store.alerts.all())

    def alert(self) -> Alert:
        (only,) = self.alerts()
        return only

    def notifications(self, alert: Alert | None = None, level: int | None = None
                      ) -> list[Notification]:
        return [n for n in self.store.notifications.all()
                if (alert is None or n.alert_id == alert.id)
                and (level is None or n.escalation_level == level)]

    def told(self, alert: Alert | None = None, level: int | None = None) -> set[tuple[str, str]]:
        """(channel, address) of the rows written, e.g. ("email", "ana@example.com")."""
        return {(n.channel.value, n.address) for n in self.notifications(alert, level)}

    def told_users(self, alert: Alert | None = None, level: int | None = None) -> set[UUID]:
        return {n.recipient_user_id for n in self.notifications(alert, level)
                if n.recipient_user_id is not None}


# --- the same on SQL: what tests read of the stored rows, and the queries over the views ---

async def outbox_of(uow: Any, alert_id: UUID) -> list[Notification]:
    """Outbox rows written for an alert, oldest first (read in ``uow``'s session)."""
    c = notifications.c
    return list((await uow.session.scalars(select(Notification).where(c.alert_id == alert_id)
                                           .order_by(c.created_at, c.id))).all())


async def alerts_of(uow: Any, *cared_person_ids: UUID) -> list[Alert]:
    """Alerts of these cared persons (all when none is named), newest first."""
    c = alerts.c
    wanted = [c.cared_person_id.in_(cared_person_ids)] if cared_person_ids else []
    return list((await uow.session.scalars(select(Alert).where(*wanted)
                                           .order_by(c.created_at.desc(), c.id.desc()))).all())


async def events_of_device(uow: Any, device_pk: UUID) -> list[SensorEvent]:
    """A device's events, newest first (equal timestamps: the one received last first)."""
    c = events.c
    return list((await uow.session.scalars(
        select(SensorEvent).where(c.device_pk == device_pk)
        .order_by(c.timestamp.desc(), c.received_at.desc(), c.id.desc()))).all())


class SqlReads:
    """Runs a query handler over its views in a read transaction of its own, as a request
    does (``entrypoints/http/deps.py: query``)."""

    def __init__(self, engine: AsyncEngine, clock: FixedClock) -> None:
        self.read_side, self.clock = ReadSide(engine), clock

    async def __call__(self, handler: type, views: type, query: Any) -> Any:
        async with self.read_side.transaction() as conn:
            return await handler(views(conn), clock=self.clock)(query)


def viewer(user: User, now: datetime = NOON) -> Viewer:
    """The ``Viewer`` a request of ``user`` would carry at ``now``."""
    return Viewer(user.id, user.is_admin(now))
