"""The audit log on SQLite and PostgreSQL: an entry commits and rolls back with the change
it records (neither exists without the other); the admin's page is one SQL statement with
the names joined in, newest first, filtered by actor, action, subject and time; and
migration 0011 goes down and up again."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest
from sqlalchemy import delete, func, inspect, select

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.migrate import upgrade
from cuiot.adapters.persistence.orm.audit import audit_log
from cuiot.adapters.persistence.orm.billing import user_packages
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.audit import SqlAuditViews
from cuiot.application.audit.ports import AuditEntryView, AuditFilters
from cuiot.application.billing.commands.invoices import PayInvoice, PayInvoiceCommand
from cuiot.application.identity.commands.users import GrantRole, GrantRoleCommand
from cuiot.application.referrals.commands.commissions import PayCommission, PayCommissionCommand
from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand
from cuiot.application.shared.id_prefixes import prefix_range
from cuiot.application.shared.queries import Window
from cuiot.domain import audit_entries as audit
from cuiot.domain.alerts import Alert, AlertStatus
from cuiot.domain.audit import AuditAction, AuditEntry, SubjectType
from cuiot.domain.care import LegalRepresentation, Relationship
from cuiot.domain.errors import NotFound
from cuiot.domain.invoices import InvoiceStatus
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import Severity
from cuiot.domain.users import Role
from tests.integration.test_billing_persistence import (
    a_cared_person,
    a_subscription,
    a_user,
    an_invoice,
    catalogue,
    store,
)
from tests.integration.test_caregiver_consent import downgrade, own_database  # noqa: F401
from tests.integration.test_safety_persistence import NOW, a_device
from tests.support.databases import in_thread
from tests.support.referrals import ReferralHarness, earning
from tests.support.referrals import sql_harness_fixture as sql_harness  # noqa: F401
from tests.support.statements import statements


async def page(engine, filters: AuditFilters | None = None,
               window: Window | None = None) -> list[AuditEntryView]:
    async with ReadSide(engine).transaction() as conn:
        return await SqlAuditViews(conn).page(filters or AuditFilters(),
                                              window or Window(0, 50))


async def recorded(sql_uow, *entries: AuditEntry) -> None:
    async with sql_uow() as uow:
        for entry in entries:
            await uow.audit.add(entry)
        await uow.commit()


async def count(sql_uow) -> int:
    async with sql_uow() as uow:
        return int(await uow.connection.scalar(select(func.count()).select_from(audit_log)))


async def an_alert(sql_uow, holder) -> Alert:
    person = a_cared_person(holder)
    device = a_device(person)
    alert = Alert.open(id=uuid4(), cared_person_id=person.id, device_pk=device.id,
                       alert_type="fall", severity=Severity.CRITICAL, at=NOW,
                       policy=DEFAULT_POLICY)
    async with sql_uow() as uow:
        await uow.cared_persons.add(person)
        await uow.devices.add(device)
        await uow.alerts.add(alert)
        await uow.commit()
    return alert


# -- written with the change, or not at all ----------------------------------------------

class Unavailable:
    async def add(self, entry: AuditEntry) -> None:
        raise RuntimeError("the audit log is unavailable")


class UnitOfWorkWithoutAudit(SqlAlchemyUnitOfWork):
    """The real unit of work, but its audit log refuses every entry."""

    async def _begin(self) -> None:
        await super()._begin()
        self.audit = Unavailable()


async def test_a_change_whose_entry_cannot_be_written_is_not_made(sql_uow, engine, clock):
    eva, carla = a_user("eva@example.com", admin=True), a_user("carla@example.com")
    await store(sql_uow, eva, carla)
    alert = await an_alert(sql_uow, carla)
    with pytest.raises(RuntimeError, match="unavailable"):
        await GrantRole(UnitOfWorkWithoutAudit(engine), clock)(
            GrantRoleCommand(eva.id, carla.id, "caregiver"))
    with pytest.raises(RuntimeError, match="unavailable"):
        await AcknowledgeAlert(UnitOfWorkWithoutAudit(engine), clock)(
            AlertCommand(eva.id, alert.id))
    async with sql_uow() as uow:
        assert (await uow.users.get(carla.id)).active_roles(NOW) == set()
        assert (await uow.alerts.get(alert.id)).status is AlertStatus.PENDING
    assert await count(sql_uow) == 0


async def test_a_change_refused_after_its_entry_was_written_leaves_neither(sql_uow, clock, ids,
                                                                          policy):
    """Paying an invoice writes its entry, then finds no subscription: the use case fails,
    and the payment and the entry are rolled back together."""
    admin, ana = a_user("admin@example.com", admin=True), a_user("ana@example.com")
    package = catalogue()["basic"]
    subscription = a_subscription(package, ana)
    orphan = an_invoice(subscription, 1)
    await store(sql_uow, admin, ana, package, subscription, orphan)
    async with sql_uow() as uow:  # its subscription is gone (no foreign key keeps it)
        await uow.connection.execute(delete(user_packages))
        await uow.commit()
    with pytest.raises(NotFound, match="subscription"):
        await PayInvoice(sql_uow(), clock, ids, policy)(PayInvoiceCommand(admin.id, orphan.id))
    async with sql_uow() as uow:
        assert (await uow.invoices.get(orphan.id)).status is InvoiceStatus.PENDING
    assert await count(sql_uow) == 0


async def test_a_paid_invoice_and_its_entry_are_committed_together(sql_uow, engine, clock, ids,
                                                                    policy):
    admin, ana = a_user("admin@example.com", admin=True), a_user("ana@example.com")
    package = catalogue()["basic"]
    subscription = a_subscription(package, ana)
    invoice = an_invoice(subscription, 1)
    await store(sql_uow, admin, ana, package, subscription, invoice)
    clock.set(NOW + timedelta(hours=1))
    await PayInvoice(sql_uow(), clock, ids, policy)(PayInvoiceCommand(admin.id, invoice.id))
    (entry,) = await page(engine)
    assert (entry.action, entry.actor_id, entry.actor_name, entry.actor_email) == (
        AuditAction.INVOICE_PAID, admin.id, "Ana Paz", "admin@example.com")
    assert (entry.subject_type, entry.subject_id, entry.subject_label, entry.at) == (
        SubjectType.INVOICE, invoice.id, invoice.number, clock.now())
    assert entry.details == {"number": invoice.number, "total_cents": invoice.total.cents,
                             "currency": "ARS"}


async def test_paying_a_commission_is_recorded_with_its_referrer(sql_harness: ReferralHarness,
                                                                 sql_uow, engine):
    admin = await sql_harness.user("admin@example.com", Role.ADMIN)
    marta = await earning(sql_harness, "marta@example.com")
    [commission] = await sql_harness.commission_records(marta)
    await PayCommission(sql_uow(), sql_harness.clock)(PayCommissionCommand(admin.id,
                                                                           commission.id))
    (entry,) = await page(engine, AuditFilters(action=AuditAction.COMMISSION_PAID))
    assert (entry.actor_id, entry.subject_id, entry.subject_label) == (
        admin.id, commission.id, "Test User")  # the harness's referrer
    assert entry.details["referrer_id"] == str(marta.id)


# -- the admin's page --------------------------------------------------------------------

@pytest.fixture
async def world(sql_uow):
    """Eva (admin) and Bruno act; Carla is granted a role; Ana's mother Rosa has an alert
    and a representation; a package; five entries an hour apart, the newest last."""
    eva, bruno = a_user("eva@example.com", admin=True), a_user("bruno@example.com")
    carla, ana = a_user("carla@example.com"), a_user("ana@example.com")
    for user, name in ((eva, "Eva"), (bruno, "Bruno"), (carla, "Carla")):
        user.first_name = name
    package = catalogue()["familiar"]
    await store(sql_uow, eva, bruno, carla, ana, package)
    alert = await an_alert(sql_uow, ana)
    rep = LegalRepresentation(id=uuid4(), cared_person_id=alert.cared_person_id,
                              representative_id=ana.id, relationship=Relationship.CHILD,
                              document_ref="poder 12", valid_from=date(2025, 1, 1),
                              created_at=NOW)
    await store(sql_uow, rep)
    hour = timedelta(hours=1)
    entries = [
        audit.role_granted(carla, Role.CAREGIVER, eva.id, NOW),
        audit.alert_acknowledged(alert, bruno.id, NOW + hour),
        audit.package_deactivated(package, eva.id, NOW + 2 * hour),
        audit.representation_verified(rep, eva.id, NOW + 3 * hour),
        AuditEntry(AuditAction.ALERT_RESOLVED, None, alert.id, NOW + 4 * hour),
    ]
    await recorded(sql_uow, *entries)
    return {"eva": eva, "bruno": bruno, "carla": carla, "alert": alert, "package": package,
            "rep": rep}


async def test_a_page_is_one_statement_newest_first_with_names(world, engine):
    with statements(engine) as seen:
        entries = await page(engine)
    assert len(seen.queries()) == 1
    assert [(e.action, e.actor_name, e.subject_label) for e in entries] == [
        (AuditAction.ALERT_RESOLVED, None, "caída · Rosa Paz"),
        (AuditAction.REPRESENTATION_VERIFIED, "Eva Paz", "Rosa Paz"),
        (AuditAction.PACKAGE_DEACTIVATED, "Eva Paz", "Familiar"),
        (AuditAction.ALERT_ACKNOWLEDGED, "Bruno Paz", "caída · Rosa Paz"),
        (AuditAction.ROLE_GRANTED, "Eva Paz", "Carla Paz")]
    assert entries[-1].actor_email == "eva@example.com"
    assert entries[-1].details == {"role": "caregiver", "expires_at": None}
    assert entries[-1].at == NOW and entries[-1].at.tzinfo is not None
    assert [e.id for e in entries] == sorted((e.id for e in entries), reverse=True)


async def test_the_filters_each_narrow_the_page(world, engine):
    eva, alert = world["eva"], world["alert"]

    async def actions(**filters) -> list[str]:
        subject = filters.pop("subject", None)
        found = await page(engine, AuditFilters.of_subject(subject, **filters))
        return [e.action.value for e in found]

    assert await actions(actor_id=eva.id) == [
        "representation.verified", "package.deactivated", "role.granted"]
    assert await actions(action=AuditAction.ALERT_ACKNOWLEDGED) == ["alert.acknowledged"]
    assert await actions(subject_type=SubjectType.ALERT) == ["alert.resolved",
                                                             "alert.acknowledged"]
    assert await actions(subject=alert.id) == ["alert.resolved", "alert.acknowledged"]
    assert await actions(subject=world["carla"].id) == ["role.granted"]
    assert await actions(since=NOW + timedelta(hours=1),
                         until=NOW + timedelta(hours=3)) == ["package.deactivated",
                                                            "alert.acknowledged"]
    assert await actions(actor_id=eva.id, since=NOW + timedelta(minutes=1),
                         subject_type=SubjectType.PACKAGE) == ["package.deactivated"]
    assert await actions(actor_id=uuid4()) == []


async def test_a_subject_is_found_by_the_prefix_a_table_shows(world, engine):
    alert = world["alert"]
    found = await page(engine, AuditFilters(subject_ids=prefix_range(alert.id.hex[:8])))
    assert {e.subject_id for e in found} == {alert.id}


async def test_pages_come_in_order_and_say_whether_more_exist(world, engine):
    first = await page(engine, window=Window(0, 2))
    second = await page(engine, window=Window(2, 2))
    last = await page(engine, window=Window(4, 2))
    assert (len(first), len(second), len(last)) == (3, 3, 1)  # limit + 1 read, as every view
    assert [e.id for e in first[:2] + second[:2] + last] == [
        e.id for e in await page(engine)]


async def test_a_subject_that_is_gone_keeps_its_id_without_a_label(world, engine, sql_uow):
    ghost = uuid4()
    await recorded(sql_uow, AuditEntry(AuditAction.INVOICE_PAID, world["eva"].id, ghost,
                                       NOW + timedelta(days=1), {"number": "CU-2026-000009"}))
    (entry,) = await page(engine, AuditFilters.of_subject(ghost))
    assert (entry.subject_id, entry.subject_label, entry.actor_name) == (ghost, None, "Eva Paz")


async def test_0011_goes_down_and_up_again(own_database: str) -> None:
    engine = create_engine(own_database)
    try:
        eva = a_user("eva@example.com", admin=True)
        async with SqlAlchemyUnitOfWork(engine) as uow:
            await uow.users.add(eva)
            await uow.commit()
        async with SqlAlchemyUnitOfWork(engine) as uow:
            await uow.audit.add(audit.role_granted(eva, Role.ADMIN, None, NOW))
            await uow.commit()
        await engine.dispose()
        in_thread(downgrade, own_database, "0010")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        assert "audit_log" not in tables and "users" in tables
        await engine.dispose()
        in_thread(upgrade, own_database)
        async with SqlAlchemyUnitOfWork(engine) as uow:
            await uow.audit.add(audit.role_granted(eva, Role.CAREGIVER, eva.id, NOW))
            await uow.commit()
        (entry,) = await page(engine)
        assert (entry.action, entry.details["role"], entry.subject_id) == (
            AuditAction.ROLE_GRANTED, "caregiver", eva.id)
        assert isinstance(entry.id, int) and isinstance(entry.subject_id, UUID)
    finally:
        await engine.dispose()
