"""``cuiot seed --demo``: a family to try CUIOT with, built through the real use cases.

Lucía looks after her mother Rosa (delegated care, a verified power of attorney), holds
the ``familiar`` package, and Rosa's home has a blood-pressure meter, a gas sensor, a
motion sensor and a panic button that reported normally for the last week.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from cuiot.adapters.persistence.views.billing import SqlPackageViews
from cuiot.application.billing.commands.subscriptions import Subscribe, SubscribeCommand
from cuiot.application.billing.queries.packages import ListPackages, ListPackagesQuery
from cuiot.application.care.commands.changes import (
    ResponderChanges,
    UpdateCaredPerson,
    UpdateCaredPersonCommand,
)
from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.application.care.commands.representation import (
    RequestRepresentation,
    RequestRepresentationCommand,
    VerifyRepresentation,
    VerifyRepresentationCommand,
)
from cuiot.application.identity.commands.users import (
    CreateAdmin,
    CreateAdminCommand,
    RegisterUser,
    RegisterUserCommand,
)
from cuiot.application.safety.commands.devices import RegisterDevice, RegisterDeviceCommand
from cuiot.application.safety.commands.ingest import (
    IngestDeviceEvent,
    IngestDeviceEventCommand,
    IngestReading,
    IngestReadingCommand,
)
from cuiot.application.shared.access import active_admins
from cuiot.domain.values import EmailAddress
from cuiot.entrypoints.cli.output import console
from cuiot.entrypoints.container import Container, use_case

FAMILY_EMAIL, FAMILY_PASSWORD = "lucia@demo.cuiot.ar", "demo-familia-2026"
ADMIN_EMAIL, ADMIN_PASSWORD = "admin@demo.cuiot.ar", "demo-admin-2026"
DEVICES = [("bp-rosa-01", "Tensiómetro", "blood_pressure", "dormitorio"),
           ("gas-rosa-01", "Sensor de gas", "gas_sensor", "cocina"),
           ("motion-rosa-01", "Sensor de movimiento", "motion_sensor", "living"),
           ("panic-rosa-01", "Botón de pánico", "panic_button", "dormitorio")]


async def seed_demo(c: Container, show_progress: bool = True) -> dict[str, Any]:
    async with c.uow() as uow:
        family = await uow.users.get_by_email(EmailAddress(FAMILY_EMAIL))
        demo_admin = await uow.users.get_by_email(EmailAddress(ADMIN_EMAIL))
        admins = await active_admins(uow, c.clock().now())
    if family is not None:
        admin = demo_admin if demo_admin is not None else admins[0] if admins else None
        return {"demo": "already there"} | logins(admin.email.value if admin else None,
                                                  demo_admin is not None)
    admin_id = admins[0].id if admins else (await use_case(c, CreateAdmin)(
        CreateAdminCommand(ADMIN_EMAIL, ADMIN_PASSWORD)))[0].id
    lucia = await use_case(c, RegisterUser)(RegisterUserCommand(
        FAMILY_EMAIL, FAMILY_PASSWORD, "Lucía", "Fernández", phone="+54 11 5555-0101",
        date_of_birth=date(1975, 4, 12)))
    rosa = await _cared_person(c, lucia.id, admin_id)
    await _subscribe(c, lucia.id, rosa)
    devices = [await use_case(c, RegisterDevice)(RegisterDeviceCommand(
                   lucia.id, device_id, name, kind, rosa, location=where))
               for device_id, name, kind, where in DEVICES]
    readings = await _a_week_of_readings(c, show_progress)
    return {**logins(admins[0].email.value if admins else ADMIN_EMAIL, not admins),
            "cared_person_id": str(rosa), "devices": len(devices), "readings": readings,
            "device_keys": {r.device.device_id: r.api_key for r in devices}}


def logins(admin_email: str | None, demo_admin: bool) -> dict[str, str | None]:
    """Who may log in to try the demo. The demo's own admin comes with its password; an
    admin that was there before keeps theirs, which the demo never knew."""
    family: dict[str, str | None] = {"family_login": FAMILY_EMAIL,
                                     "family_password": FAMILY_PASSWORD}
    if admin_email is None:
        return family
    return family | {"admin_login": admin_email,
                     "admin_password": ADMIN_PASSWORD if demo_admin else None}


async def _cared_person(c: Container, lucia: UUID, admin: UUID) -> UUID:
    rosa = await use_case(c, AddCaredPerson)(AddCaredPersonCommand(
        lucia, "Rosa", "Fernández", date_of_birth=date(1942, 3, 8),
        emergency_contacts=({"name": "Martín Fernández", "phone": "+54 11 5555-0202",
                             "email": "martin@demo.cuiot.ar"},)))
    representation = await use_case(c, RequestRepresentation)(RequestRepresentationCommand(
        lucia, rosa.id, "child", "Poder notarial 1234/2020", date(2020, 1, 1)))
    await use_case(c, VerifyRepresentation)(VerifyRepresentationCommand(admin, representation.id))
    # What whoever answers one of her alerts needs to know (the console and the
    # acknowledgement page show it; no SMS or push ever carries it).
    await use_case(c, UpdateCaredPerson)(UpdateCaredPersonCommand(
        lucia, rosa.id, responder=ResponderChanges(
            address="Av. Rivadavia 4512, 3° B, CABA", conditions=("hipertensión",),
            medications=("enalapril 10 mg",), allergies=("penicilina",),
            mobility_notes="camina con bastón", doctor_name="Dra. Ana Suárez",
            doctor_phone="+54 11 5555-0303")))
    return rosa.id


async def _subscribe(c: Container, lucia: UUID, rosa: UUID) -> None:
    async with c.read_side().transaction() as conn:
        catalogue = await ListPackages(SqlPackageViews(conn), c.clock())(ListPackagesQuery())
    familiar = next(p for p in catalogue if p.type == "familiar")
    await use_case(c, Subscribe)(SubscribeCommand(lucia, familiar.id, "monthly",
                                                  cared_person_id=rosa))


def _week(c: Container) -> list[tuple[datetime, str, dict[str, Any]]]:
    zone = ZoneInfo(c.settings().timezone)
    today = c.clock().now().astimezone(zone).date()
    messages: list[tuple[datetime, str, dict[str, Any]]] = []
    for back in range(7, 0, -1):
        day = today - timedelta(days=back)

        def at(hour: int, minute: int = 0, day: date = day) -> datetime:
            return datetime.combine(day, time(hour, minute), zone)

        for hour, (sys_, dia, pulse) in ((9, (124, 78, 72)), (20, (129, 81, 76))):
            messages.append((at(hour), "bp-rosa-01", {"type": "blood_pressure", "data": {
                "systolic": sys_ + back % 3, "diastolic": dia, "pulse": pulse}}))
        for hour in (0, 6, 12, 18):
            messages.append((at(hour), "gas-rosa-01", {"type": "gas_sensor", "data": {
                "CO": 3, "CO2": 520 + 40 * (hour // 6), "smoke": 0.01}}))
        for hour in range(8, 22):
            messages.append((at(hour, 15), "motion-rosa-01", {"event": "motion"}))
    return messages


async def _a_week_of_readings(c: Container, show_progress: bool) -> int:
    messages = _week(c)
    with Progress(TextColumn("a week of readings"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True, disable=not show_progress) as progress:
        task = progress.add_task("readings", total=len(messages))
        for n, (ts, device_id, message) in enumerate(messages):
            msg_id = f"demo-{device_id}-{n}"
            if "event" in message:
                await use_case(c, IngestDeviceEvent)(IngestDeviceEventCommand(
                    device_id, msg_id, message["event"], {}, ts=ts))
            else:
                await use_case(c, IngestReading)(IngestReadingCommand(
                    device_id, msg_id, message["type"], message["data"], ts=ts, battery_level=90))
            progress.advance(task)
    return len(messages)
