"""A small world for the billing tests and features: people, cared persons, devices,
stored data, the default catalogue, and the billing use cases wired on in-memory
adapters. It holds no tests itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from cuiot.application.billing.commands.billing_run import RunBilling
from cuiot.application.billing.commands.invoices import PayInvoice
from cuiot.application.billing.commands.packages import (
    CreatePackage,
    DeactivatePackage,
    UpdatePackage,
)
from cuiot.application.billing.commands.plan_changes import ChangePlan
from cuiot.application.billing.commands.subscriptions import CancelSubscription, Subscribe
from cuiot.domain.billing_limits import BYTES_PER_GB
from cuiot.domain.care import CaredPerson, CareType, Institution, LegalRepresentation, Relationship
from cuiot.domain.devices import Device
from cuiot.domain.packages import Package, PackageType, default_catalogue
from cuiot.domain.policy import DEFAULT_POLICY, Policy
from cuiot.domain.sensor_events import DeviceType, EventType, SensorEvent, Severity
from cuiot.domain.users import CapacityStatus, Role, User
from cuiot.domain.values import EmailAddress
from tests.fakes.system import FixedClock, SequentialIdGenerator
from tests.fakes.uow import InMemoryStore, InMemoryUnitOfWork

NOON_UTC = 15  # 12:00 in Buenos Aires


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, NOON_UTC, tzinfo=UTC)


@dataclass
class BillingWorld:
    store: InMemoryStore = field(default_factory=InMemoryStore)
    clock: FixedClock = field(default_factory=lambda: FixedClock(noon(date(2026, 1, 15))))
    ids: SequentialIdGenerator = field(default_factory=SequentialIdGenerator)
    policy: Policy = DEFAULT_POLICY
    packages: dict[str, Package] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    # --- time --------------------------------------------------------------------
    def on(self, day: date) -> None:
        self.clock.set(noon(day))

    @property
    def today(self) -> date:
        return self.clock.today()

    # --- people and things --------------------------------------------------------
    async def seed_catalogue(self) -> dict[str, Package]:
        for package in default_catalogue(self.ids.new_id):
            await self.store.packages.add(package)
            self.packages[package.type.value] = package
        return self.packages

    async def user(self, name: str, *, born: date | None = date(1970, 5, 1),
                   capacity: CapacityStatus = CapacityStatus.FULL, admin: bool = False) -> User:
        user = User(id=self.ids.new_id(), email=EmailAddress(f"{name.lower()}@example.com"),
                    password_hash="x", first_name=name, last_name="Test",
                    created_at=self.clock.now(), date_of_birth=born, capacity_status=capacity)
        if admin:
            user.grant_role(Role.ADMIN, self.clock.now())
        await self.store.users.add(user)
        self.users[name] = user
        return user

    async def cared_person(self, account: User, *, care_type: CareType = CareType.DELEGATED,
                           own_user: User | None = None,
                           institution: Institution | None = None,
                           name: str = "Rosa") -> CaredPerson:
        person = CaredPerson(
            id=self.ids.new_id(), account_id=account.id, first_name=name, last_name="Test",
            date_of_birth=date(1940, 3, 3), created_at=self.clock.now(), care_type=care_type,
            user_id=own_user.id if own_user else None,
            institution_id=institution.id if institution else None)
        await self.store.cared_persons.add(person)
        return person

    async def representation(self, person: CaredPerson, representative: User, *,
                             verified: bool = True) -> LegalRepresentation:
        rep = LegalRepresentation(
            id=self.ids.new_id(), cared_person_id=person.id, representative_id=representative.id,
            relationship=Relationship.CHILD, document_ref="poder-123",
            valid_from=date(2020, 1, 1), created_at=self.clock.now(), verified=verified)
        await self.store.representations.add(rep)
        return rep

    async def institution(self, admin: User, email: str | None = None) -> Institution:
        institution = Institution(id=self.ids.new_id(), name="Residencia Sol", admin_id=admin.id,
                                  created_at=self.clock.now(), email=email)
        await self.store.institutions.add(institution)
        return institution

    async def members(self, person: CaredPerson, count: int) -> None:
        for _ in range(count):
            member = await self.user(f"member{len(self.users)}")
            person.member_ids.add(member.id)

    async def devices(self, person: CaredPerson, count: int, active: bool = True) -> None:
        for _ in range(count):
            pk = self.ids.new_id()
            await self.store.devices.add(Device(
                id=pk, device_id=f"dev-{pk.int}", name="Sensor", cared_person_id=person.id,
                device_type=DeviceType.MOTION_SENSOR, api_key_hash="0" * 64,
                created_at=self.clock.now(), is_active=active))

    async def stored(self, person: CaredPerson, *, gb: float = 0, extra_bytes: int = 0) -> None:
        await self.store.events.add(SensorEvent(
            id=self.ids.new_id(), device_pk=self.ids.new_id(), cared_person_id=person.id,
            event_type=EventType.MOTION, severity=Severity.LOW, timestamp=self.clock.now(),
            received_at=self.clock.now(), size_bytes=int(gb * BYTES_PER_GB) + extra_bytes))

    async def patients(self, institution: Institution, holder: User, count: int) -> None:
        for _ in range(count):
            await self.cared_person(holder, institution=institution)

    # --- use cases ----------------------------------------------------------------
    def uow(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store)

    def use_case(self, kind: type, **extra: Any) -> Any:
        needs: dict[type, tuple[str, ...]] = {
            Subscribe: ("clock", "ids", "policy"), ChangePlan: ("clock", "ids", "policy"),
            CancelSubscription: ("clock", "ids", "policy"), RunBilling: ("clock", "ids", "policy"),
            PayInvoice: ("clock", "ids", "policy"), CreatePackage: ("clock", "ids"),
            UpdatePackage: ("clock",), DeactivatePackage: ("clock",),
        }
        return kind(self.uow(), *(getattr(self, name) for name in needs[kind]), **extra)

    def package(self, type_: str | PackageType) -> Package:
        return self.packages[PackageType(type_).value]

    def package_id(self, type_: str) -> UUID:
        return self.package(type_).id


# --- how the features write things (Spanish) ------------------------------------------
PACKAGE_TYPES = {"básico": "basic", "familiar": "familiar", "premium": "premium",
                 "profesional": "professional", "institucional": "institutional"}
CYCLES = {"mensual": "monthly", "anual": "yearly"}
SUPPORT = {"correo": "email", "chat": "chat", "teléfono": "phone", "24/7": "24/7"}
DIMENSIONS = {"usuarios": "users", "dispositivos": "devices",
              "almacenamiento en GB": "storage_gb", "pacientes": "patients"}


def parse_day(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()


def parse_cents(text: str) -> int:
    """``15.000,50`` → 1500050."""
    whole, _, cents = text.strip().replace(".", "").partition(",")
    return int(whole) * 100 + int((cents or "0").ljust(2, "0"))


def parse_number(text: str) -> float:
    """``5,01`` → 5.01."""
    return float(text.replace(".", "").replace(",", "."))


def amount_text(money: Any) -> str:
    """Money as the features write it: ``15.000,50``."""
    whole, cents = divmod(money.cents, 100)
    return f"{whole:,}".replace(",", ".") + f",{cents:02d}"
