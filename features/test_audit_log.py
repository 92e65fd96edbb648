"""Steps of audit_log.feature, on in-memory adapters through the use cases: the alert
and the notification's link are set straight into the store; the log is the store's."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import uuid4

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from cuiot.application.audit.queries.entries import ListAuditEntries, ListAuditEntriesQuery
from cuiot.application.safety.commands.ack_links import AcknowledgeByLink, AcknowledgeByLinkCommand
from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand, ResolveAlert
from cuiot.application.shared.queries import Viewer
from cuiot.domain.ack_links import AckLink
from cuiot.domain.alerts import Alert
from cuiot.domain.audit import AuditAction, AuditEntry
from cuiot.domain.errors import DomainError, Forbidden
from cuiot.domain.notifications import Channel
from cuiot.domain.sensor_events import Severity
from cuiot.domain.users import Role
from tests.fakes.audit import InMemoryAuditViews
from tests.support.alerts import SafetyBench

scenarios("audit_log.feature")

Run = Callable[[Awaitable[Any]], Any]
ACTIONS = {"atendió": AuditAction.ALERT_ACKNOWLEDGED, "resolvió": AuditAction.ALERT_RESOLVED}
CHANNELS = {"SMS": "sms", "correo": "email"}


@pytest.fixture
def bench() -> SafetyBench:
    return SafetyBench()


@pytest.fixture
def world() -> dict[str, Any]:
    return {"people": {}, "persons": {}}


def entries_about(bench: SafetyBench, alert: Alert) -> list[AuditEntry]:
    return [e for e in bench.store.audit.entries() if e.subject_id == alert.id]


# Dado


@given(parsers.parse("que {holder} tiene a su cargo a {name}"))
def _(bench: SafetyBench, world: dict[str, Any], holder: str, name: str) -> None:
    world["people"][holder] = bench.user(holder)
    world["persons"][name] = bench.person(world["people"][holder], name)


@given(parsers.parse("que {name} es administrador"))
def _(bench: SafetyBench, world: dict[str, Any], name: str) -> None:
    world["people"][name] = bench.user(name, Role.ADMIN)


@given(parsers.parse("que {name} no tiene acceso a {person}"))
def _(bench: SafetyBench, world: dict[str, Any], name: str, person: str) -> None:
    world["people"][name] = bench.user(name)


@given(parsers.parse("que {name} tiene una alerta crítica abierta"))
def _(bench: SafetyBench, world: dict[str, Any], name: str) -> None:
    alert = Alert.open(id=uuid4(), cared_person_id=world["persons"][name].id,
                       device_pk=uuid4(), alert_type="fall", severity=Severity.CRITICAL,
                       at=bench.clock.now(), policy=bench.policy)
    bench.store.alerts.items[alert.id] = alert
    world["alert"] = alert


# Cuando


@when(parsers.parse("{name} atiende la alerta"))
def _(bench: SafetyBench, world: dict[str, Any], run: Run, name: str) -> None:
    run(bench.call(AcknowledgeAlert, AlertCommand(world["people"][name].id, world["alert"].id)))


@when(parsers.parse("{name} resuelve la alerta"))
def _(bench: SafetyBench, world: dict[str, Any], run: Run, name: str) -> None:
    run(bench.call(ResolveAlert, AlertCommand(world["people"][name].id, world["alert"].id)))


@when(parsers.re(r"(?P<name>\w+) intenta atender la alerta( otra vez)?"))
def _(bench: SafetyBench, world: dict[str, Any], run: Run, name: str) -> None:
    with pytest.raises(DomainError):
        run(bench.call(AcknowledgeAlert,
                       AlertCommand(world["people"][name].id, world["alert"].id)))


@when(parsers.parse("{name}, contacto de emergencia, atiende la alerta desde el enlace de "
                    "su SMS al {phone}"))
def _(bench: SafetyBench, world: dict[str, Any], run: Run, name: str, phone: str) -> None:
    link = AckLink.issue(id=bench.ids.new_id(), alert=world["alert"], channel=Channel.SMS,
                         recipient=phone.replace(" ", ""), user_id=None, token=f"tok-{name}",
                         code=None, now=bench.clock.now())
    bench.store.ack_links.items[link.id] = link
    run(bench.call(AcknowledgeByLink, AcknowledgeByLinkCommand(f"tok-{name}")))


# Entonces


@then(parsers.re(r"el registro de auditoría tiene (?P<count>\d+) entradas?"))
def _(bench: SafetyBench, world: dict[str, Any], count: str) -> None:
    assert len(bench.store.audit.entries()) == int(count)


@then(parsers.re(r"dice que (?P<name>\w+) (?P<verb>atendió|resolvió) la alerta de "
                 r"(?P<person>\w+)$"))
def _(bench: SafetyBench, world: dict[str, Any], name: str, verb: str, person: str) -> None:
    assert world["alert"].cared_person_id == world["persons"][person].id
    done = [e for e in entries_about(bench, world["alert"]) if e.action is ACTIONS[verb]]
    assert [e.actor_id for e in done] == [world["people"][name].id]


@then(parsers.re(r"dice que alguien sin cuenta (?P<verb>atendió|resolvió) la alerta de "
                 r"(?P<person>\w+) por (?P<channel>SMS|correo), enviado a (?P<address>\S+)$"))
def _(bench: SafetyBench, world: dict[str, Any], verb: str, person: str, channel: str,
      address: str) -> None:
    (entry,) = entries_about(bench, world["alert"])
    assert (entry.action, entry.actor_id) == (ACTIONS[verb], None)
    assert (entry.details["via"], entry.details["recipient"]) == (CHANNELS[channel], address)


def read_log(bench: SafetyBench, world: dict[str, Any], run: Run, name: str) -> list[Any]:
    reader = world["people"][name]
    viewer = Viewer.of(reader.id, frozenset(reader.active_roles(bench.clock.now())))
    views = InMemoryAuditViews(bench.store.audit, bench.store.users)
    return list(run(ListAuditEntries(views, bench.clock)(ListAuditEntriesQuery(viewer))))


@then(parsers.re(r"(?P<reader>\w+) lee en el registro que (?P<full_name>.+) "
                 r"(?P<verb>atendió|resolvió) la alerta$"))
def _(bench: SafetyBench, world: dict[str, Any], run: Run, reader: str, full_name: str,
      verb: str) -> None:
    (entry,) = read_log(bench, world, run, reader)
    assert (entry.actor_name, entry.action, entry.subject_id) == (
        full_name, ACTIONS[verb], world["alert"].id)


@then(parsers.parse("{name} no puede leer el registro"))
def _(bench: SafetyBench, world: dict[str, Any], run: Run, name: str) -> None:
    with pytest.raises(Forbidden):
        read_log(bench, world, run, name)
