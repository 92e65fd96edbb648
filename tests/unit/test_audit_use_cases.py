"""The audit log on the in-memory fakes: each change that matters to safety or money
writes exactly one entry naming who did it and to what, in the unit of work of the
change; a change that is refused writes none; only admins read the log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from cuiot.application.audit.ports import AuditFilters
from cuiot.application.audit.queries.entries import ListAuditEntries, ListAuditEntriesQuery
from cuiot.application.billing.commands.invoices import PayInvoice, PayInvoiceCommand
from cuiot.application.billing.commands.packages import (
    CreatePackage,
    CreatePackageCommand,
    DeactivatePackage,
    DeactivatePackageCommand,
    UpdatePackage,
    UpdatePackageCommand,
)
from cuiot.application.billing.commands.subscriptions import Subscribe, SubscribeCommand
from cuiot.application.care.commands.representation import (
    VerifyRepresentation,
    VerifyRepresentationCommand,
)
from cuiot.application.identity.commands.users import (
    CreateAdmin,
    CreateAdminCommand,
    GrantRole,
    GrantRoleCommand,
    RevokeRole,
    RevokeRoleCommand,
)
from cuiot.application.referrals.commands.commissions import PayCommission, PayCommissionCommand
from cuiot.application.safety.commands.ack_links import AcknowledgeByLink, AcknowledgeByLinkCommand
from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand, ResolveAlert
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.ack_links import AckLink, AckLinkRefused
from cuiot.domain.alerts import Alert
from cuiot.domain.audit import AuditAction, AuditEntry, SubjectType
from cuiot.domain.care import CaredPerson
from cuiot.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from cuiot.domain.notifications import Channel
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import Severity
from cuiot.domain.users import Role
from tests.fakes.audit import InMemoryAuditLog, InMemoryAuditViews
from tests.support.billing import BillingWorld
from tests.support.care import Bench
from tests.support.referrals import ReferralHarness, earning
from tests.support.referrals import harness_fixture as harness  # noqa: F401

NOON = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
TERMS = {"type": "premium", "name": "Premium Plus", "price_monthly_cents": 5_000_000,
         "max_users": 12, "max_devices": 25, "max_storage_gb": 150, "support_level": "phone",
         "features": ("alerts", "reports")}


@pytest.fixture
def bench(uow, clock, ids, policy, hasher) -> Bench:
    return Bench(uow, clock, ids, policy, hasher)


def rosa_of(store, holder) -> CaredPerson:
    """A person in delegated care, set straight into the store (what it takes to add one
    is not this file's business)."""
    rosa = CaredPerson(id=uuid4(), account_id=holder.id, first_name="Rosa", last_name="Gómez",
                       date_of_birth=date(1940, 4, 3), created_at=NOON)
    store.cared_persons.items[rosa.id] = rosa
    return rosa


def only(log: InMemoryAuditLog) -> AuditEntry:
    (entry,) = log.entries()
    return entry


async def an_alert(bench: Bench, store) -> tuple[Alert, object, object]:
    """Laura's mother Rosa has an open alert; Tito sees nothing of hers."""
    laura, tito = await bench.user("Laura"), await bench.user("Tito")
    rosa = rosa_of(store, laura)
    alert = Alert.open(id=uuid4(), cared_person_id=rosa.id, device_pk=uuid4(),
                       alert_type="fall", severity=Severity.CRITICAL, at=bench.clock.now(),
                       policy=DEFAULT_POLICY)
    store.alerts.items[alert.id] = alert
    store.audit.items.clear()
    return alert, laura, tito


async def test_acknowledging_records_who_took_the_alert_once(bench, store, uow, clock):
    alert, laura, tito = await an_alert(bench, store)
    acknowledge = AcknowledgeAlert(uow, clock)
    with pytest.raises(NotFound):
        await acknowledge(AlertCommand(tito.id, alert.id))
    assert store.audit.entries() == []  # refused: nothing recorded
    await acknowledge(AlertCommand(laura.id, alert.id))
    with pytest.raises(Conflict):
        await acknowledge(AlertCommand(laura.id, alert.id))  # twice: the second is refused
    assert only(store.audit) == AuditEntry(AuditAction.ALERT_ACKNOWLEDGED, laura.id, alert.id,
                                           clock.now(), {"severity": "critical",
                                                         "escalation_level": 1})


async def test_resolving_records_who_closed_it_and_what_it_was(bench, store, uow, clock):
    alert, laura, _ = await an_alert(bench, store)
    resolve = ResolveAlert(uow, clock)
    await resolve(AlertCommand(laura.id, alert.id))
    with pytest.raises(Conflict):
        await resolve(AlertCommand(laura.id, alert.id))
    entry = only(store.audit)
    assert (entry.action, entry.actor_id, entry.subject_id, entry.details["status_before"]) == (
        AuditAction.ALERT_RESOLVED, laura.id, alert.id, "pending")


async def test_a_link_acknowledges_in_the_name_of_its_recipient(bench, store, uow, clock, ids):
    """A contact without an account has no actor; the entry says by which channel, and to
    which address, masked."""
    alert, laura, _ = await an_alert(bench, store)
    for who, address, channel in [(laura.id, "laura@example.com", Channel.EMAIL),
                                  (None, "+541155550002", Channel.SMS)]:
        link = AckLink.issue(id=ids.new_id(), alert=alert, channel=channel, recipient=address,
                             user_id=who, token=f"tok-{channel}", code=None, now=clock.now())
        store.ack_links.items[link.id] = link
    await AcknowledgeByLink(uow, clock)(AcknowledgeByLinkCommand("tok-sms"))
    with pytest.raises(AckLinkRefused):  # the alert is handled: the other link is refused
        await AcknowledgeByLink(uow, clock)(AcknowledgeByLinkCommand("tok-email"))
    entry = only(store.audit)
    assert (entry.action, entry.actor_id, entry.subject_id) == (
        AuditAction.ALERT_ACKNOWLEDGED, None, alert.id)
    assert (entry.details["via"], entry.details["recipient"]) == ("sms", "+5411****0002")


async def test_granting_and_revoking_roles_record_the_admin_and_the_user(bench, store, uow,
                                                                          clock):
    admin, carla = await bench.admin(), await bench.user("Carla")
    store.audit.items.clear()
    until = datetime(2027, 1, 31, tzinfo=UTC)
    with pytest.raises(Forbidden):
        await GrantRole(uow, clock)(GrantRoleCommand(carla.id, carla.id, "admin"))
    with pytest.raises(ValidationFailed):
        await GrantRole(uow, clock)(GrantRoleCommand(admin.id, carla.id, "superuser"))
    await GrantRole(uow, clock)(GrantRoleCommand(admin.id, carla.id, "caregiver", until))
    with pytest.raises(Conflict):
        await RevokeRole(uow, clock)(RevokeRoleCommand(admin.id, carla.id, "institution_admin"))
    await RevokeRole(uow, clock)(RevokeRoleCommand(admin.id, carla.id, "caregiver"))
    assert [(e.action, e.actor_id, e.subject_id, e.details) for e in store.audit.entries()] == [
        (AuditAction.ROLE_GRANTED, admin.id, carla.id,
         {"role": "caregiver", "expires_at": "2027-01-31T00:00:00Z"}),
        (AuditAction.ROLE_REVOKED, admin.id, carla.id, {"role": "caregiver"})]


async def test_the_operators_first_admin_is_recorded_without_an_actor(store, uow, clock, ids,
                                                                     hasher):
    create = CreateAdmin(uow, clock, ids, hasher)
    admin, _ = await create(CreateAdminCommand("root@example.com", "una clave larga"))
    with pytest.raises(Conflict):
        await create(CreateAdminCommand("root@example.com", "una clave larga"))
    entry = only(store.audit)
    assert (entry.action, entry.actor_id, entry.subject_id, entry.details["role"]) == (
        AuditAction.ROLE_GRANTED, None, admin.id, "admin")


async def test_verifying_a_representation_records_it_once(bench, store):
    laura, admin = await bench.user("Laura"), await bench.admin()
    rosa = rosa_of(store, laura)
    rep = await bench.representation(laura, rosa)
    store.audit.items.clear()
    with pytest.raises(Forbidden):
        await bench.call(VerifyRepresentation, VerifyRepresentationCommand(laura.id, rep.id))
    await bench.call(VerifyRepresentation, VerifyRepresentationCommand(admin.id, rep.id))
    with pytest.raises(Conflict):
        await bench.call(VerifyRepresentation, VerifyRepresentationCommand(admin.id, rep.id))
    entry = only(store.audit)
    assert (entry.action, entry.actor_id, entry.subject_id) == (
        AuditAction.REPRESENTATION_VERIFIED, admin.id, rep.id)
    assert entry.details == {"cared_person_id": str(rosa.id),
                             "representative_id": str(laura.id), "relationship": "child"}
    assert "escritura" not in str(entry.details)  # the document's reference stays out


async def test_marking_an_invoice_paid_records_its_number_and_total():
    world = BillingWorld()
    await world.seed_catalogue()
    ana, admin = await world.user("Ana"), await world.user("Admin", admin=True)
    invoice = (await world.use_case(Subscribe)(
        SubscribeCommand(ana.id, world.package_id("familiar"), "monthly"))).invoice
    with pytest.raises(Forbidden):
        await world.use_case(PayInvoice)(PayInvoiceCommand(ana.id, invoice.id))
    await world.use_case(PayInvoice)(PayInvoiceCommand(admin.id, invoice.id))
    with pytest.raises(Conflict):
        await world.use_case(PayInvoice)(PayInvoiceCommand(admin.id, invoice.id))
    entry = only(world.store.audit)
    assert (entry.action, entry.actor_id, entry.subject_id, entry.at) == (
        AuditAction.INVOICE_PAID, admin.id, invoice.id, world.clock.now())
    assert entry.details == {"number": invoice.number, "total_cents": invoice.total.cents,
                             "currency": "ARS"}


async def test_paying_a_commission_records_it_once(harness: ReferralHarness, store):
    admin = await harness.user("admin@example.com", Role.ADMIN)
    ana = await earning(harness)
    [commission] = harness.commissions(ana)
    pay = PayCommission(harness.uow, harness.clock)
    with pytest.raises(Forbidden):
        await pay(PayCommissionCommand(ana.id, commission.id))
    await pay(PayCommissionCommand(admin.id, commission.id))
    with pytest.raises(Conflict):
        await pay(PayCommissionCommand(admin.id, commission.id))
    entry = only(store.audit)
    assert (entry.action, entry.actor_id, entry.subject_id, entry.details["referrer_id"]) == (
        AuditAction.COMMISSION_PAID, admin.id, commission.id, str(ana.id))


async def test_each_edit_of_the_catalogue_is_recorded_with_what_changed():
    world = BillingWorld()
    ana, admin = await world.user("Ana"), await world.user("Admin", admin=True)
    with pytest.raises(Forbidden):
        await world.use_case(CreatePackage)(CreatePackageCommand(actor_id=ana.id, **TERMS))
    with pytest.raises(ValidationFailed):
        await world.use_case(CreatePackage)(CreatePackageCommand(
            actor_id=admin.id, **TERMS | {"max_patients": 5}))
    package = await world.use_case(CreatePackage)(CreatePackageCommand(actor_id=admin.id,
                                                                        **TERMS))
    await world.use_case(UpdatePackage)(UpdatePackageCommand(
        actor_id=admin.id, package_id=package.id, **TERMS | {"price_monthly_cents": 5_500_000}))
    await world.use_case(DeactivatePackage)(DeactivatePackageCommand(admin.id, package.id))
    with pytest.raises(Conflict):
        await world.use_case(DeactivatePackage)(DeactivatePackageCommand(admin.id, package.id))
    created, changed, deactivated = world.store.audit.entries()
    assert {e.subject_id for e in (created, changed, deactivated)} == {package.id}
    assert {e.actor_id for e in (created, changed, deactivated)} == {admin.id}
    assert (created.action, created.details["name"], created.details["features"]) == (
        AuditAction.PACKAGE_CREATED, "Premium Plus", ["alerts", "reports"])
    assert (changed.action, changed.details) == (
        AuditAction.PACKAGE_CHANGED, {"changes": {"price_monthly_cents": [5_000_000, 5_500_000]}})
    assert (deactivated.action, deactivated.details) == (
        AuditAction.PACKAGE_DEACTIVATED, {"name": "Premium Plus"})


async def test_only_an_admin_reads_the_log_newest_first_with_names(bench, store, uow, clock):
    admin, carla = await bench.admin(), await bench.user("Carla")
    store.audit.items.clear()
    for role in ("caregiver", "family"):
        await GrantRole(uow, clock)(GrantRoleCommand(admin.id, carla.id, role))
        clock.advance(timedelta(minutes=1))
    read = ListAuditEntries(InMemoryAuditViews(store.audit, store.users), clock)
    with pytest.raises(Forbidden):
        await read(ListAuditEntriesQuery(Viewer(carla.id)))
    entries = await read(ListAuditEntriesQuery(Viewer(admin.id, is_admin=True),
                                                AuditFilters(actor_id=admin.id), Window(0, 1)))
    assert [(e.details["role"], e.actor_name) for e in entries] == [
        ("family", "Ana Pérez"), ("caregiver", "Ana Pérez")]  # limit + 1: one more exists


@pytest.mark.parametrize(("filters", "field"), [
    ({"since": datetime(2026, 2, 1, tzinfo=UTC), "until": datetime(2026, 1, 1, tzinfo=UTC)},
     "until"),
    ({"since": datetime(2026, 2, 1)}, "since"),
    ({"action": AuditAction.INVOICE_PAID, "subject_type": "alert"}, "subject_type"),
])
def test_filters_that_cannot_match_are_refused(filters, field):
    given = {k: SubjectType(v) if k == "subject_type" else v for k, v in filters.items()}
    with pytest.raises(ValidationFailed) as refused:
        AuditFilters(**given)
    assert refused.value.details["field"] == field


def test_one_subject_is_a_range_of_one():
    subject = uuid4()
    assert AuditFilters.of_subject(subject).subject_ids == (subject, subject)
    assert AuditFilters.of_subject(None, action=AuditAction.ROLE_GRANTED).subject_ids is None
