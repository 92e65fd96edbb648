"""Steps of acknowledgement_links.feature, on in-memory adapters through the use cases
(the link's page is its query, over an in-memory view)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from cuiot.application.safety.commands.ack_links import (
    AcknowledgeByLink,
    AcknowledgeByLinkCommand,
    AcknowledgeBySms,
    AcknowledgeBySmsCommand,
)
from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand
from cuiot.application.safety.ports import AckLinkSource
from cuiot.application.safety.queries.ack_links import ShowAckLink, ShowAckLinkQuery
from cuiot.domain.ack_links import AckLinkRefused, LinkState
from cuiot.domain.alerts import Alert
from cuiot.domain.errors import DomainError, NotFound
from cuiot.domain.labels import alert_type_label, severity_label
from cuiot.domain.notifications import Channel, Notification
from tests.fakes.ack_links import InMemoryAckLinkViews
from tests.fakes.system import SeededRandomSource
from tests.support.alerts import SafetyBench

scenarios("acknowledgement_links.feature")

Run = Callable[[Awaitable[Any]], Any]
CHANNEL = {"correo": "email", "SMS": "sms"}
ANSWER = {"ya se usó": LinkState.USED, "venció": LinkState.EXPIRED,
          "la alerta ya fue atendida": LinkState.HANDLED}


@pytest.fixture
def bench() -> SafetyBench:
    bench = SafetyBench()
    bench.uow.links = AckLinkSource(SeededRandomSource(11), "https://cuiot.example.com")
    return bench


@pytest.fixture
def world() -> dict[str, Any]:
    return {"people": {}, "persons": {}, "outcome": None}


def the_alert(bench: SafetyBench) -> Alert:
    return bench.alert()


def notice_of(bench: SafetyBench, world: dict[str, Any], name: str,
              level: int | None = None) -> Notification:
    """The newest notice to ``name`` (a user's email, or a contact's SMS)."""
    user = world["people"].get(name)
    mine = [n for n in bench.notifications(level=level)
            if (user is not None and n.recipient_user_id == user.id)
            or (user is None and n.channel is Channel.SMS and n.address == world[name])]
    return max(mine, key=lambda n: n.created_at)


def attempt(world: dict[str, Any], run: Run, call: Awaitable[Any]) -> None:
    """The outcome of using a link: the alert, or the refusal."""
    try:
        world["outcome"] = run(call)
    except DomainError as error:
        world["outcome"] = error


# Dado


@given(parsers.parse("que {holder} tiene a su cargo a {name} y es su representante legal"))
def _(bench: SafetyBench, world: dict[str, Any], holder: str, name: str) -> None:
    world["people"][holder] = bench.user(holder)
    world["persons"][name] = bench.person(world["people"][holder], name)
    bench.representative(world["persons"][name], world["people"][holder])


@given(parsers.parse("que el contacto de emergencia de {name} es {contact}, con el teléfono "
                     "{phone}"))
def _(bench: SafetyBench, world: dict[str, Any], name: str, contact: str, phone: str) -> None:
    bench.contact(world["persons"][name], contact, phone=phone)
    world[contact] = phone


@given(parsers.parse("que llega una tensión de {systolic:d}/{diastolic:d} con pulso {pulse:d} "
                     "del tensiómetro de {name}"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], systolic: int, diastolic: int,
      pulse: int, name: str) -> None:
    device = run(bench.device(world["persons"][name]))
    run(bench.reading(device, {"systolic": systolic, "diastolic": diastolic, "pulse": pulse}))


# Cuando


@when(parsers.parse("{name} abre el enlace de su aviso"))
@when(parsers.parse("{name} abre el enlace de su aviso de nivel {level:d}"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str, level: int = 1) -> None:
    token = notice_of(bench, world, name, level).payload["token"]
    page = ShowAckLink(InMemoryAckLinkViews(bench.store), bench.clock)
    found = run(page(ShowAckLinkQuery(token)))
    world["page"] = found
    world["outcome"] = None if found.state is LinkState.OPEN else AckLinkRefused(found.state)


@when(parsers.parse("{name} confirma la alerta desde el enlace de su aviso"))
@when(parsers.parse("{name} confirma la alerta desde el enlace de su aviso de nivel {level:d}"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str,
      level: int | None = None) -> None:
    world["token"] = notice_of(bench, world, name, level).payload["token"]
    attempt(world, run, bench.call(AcknowledgeByLink, AcknowledgeByLinkCommand(world["token"])))


@when(parsers.parse("{name} vuelve a usar el mismo enlace"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    attempt(world, run, bench.call(AcknowledgeByLink, AcknowledgeByLinkCommand(world["token"])))


@when("alguien confirma la alerta desde un enlace inventado")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    attempt(world, run, bench.call(AcknowledgeByLink, AcknowledgeByLinkCommand("inventado")))


@when(parsers.parse("{name} confirma la alerta en CUIOT"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    run(bench.call(AcknowledgeAlert, AlertCommand(world["people"][name].id, the_alert(bench).id)))


@when(parsers.parse("pasan {minutes:d} minutos sin que nadie confirme la alerta"))
def _(bench: SafetyBench, run: Run, minutes: int) -> None:
    for _ in range(minutes * 2):  # the scheduler, every 30 seconds
        bench.advance(seconds=30)
        run(bench.escalate())


@when(parsers.re(r"(?P<who>.+) responde al SMS con (?P<text>.+)"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], who: str, text: str) -> None:
    code = notice_of(bench, world, "Fer").payload["code"]
    sender = world.get(who) or who.removeprefix("el número ")
    reply = {"el código de su aviso": code, "el código del aviso de Fer": code,
             "un código equivocado": "000000" if code != "000000" else "111111"}.get(
        text, text.strip('"'))
    attempt(world, run, bench.call(AcknowledgeBySms, AcknowledgeBySmsCommand(sender, reply)))


# Entonces


@then(parsers.parse("el aviso por correo a {name} lleva un enlace para confirmar la alerta"))
def _(bench: SafetyBench, world: dict[str, Any], name: str) -> None:
    notice = notice_of(bench, world, name)
    url = f"https://cuiot.example.com/ack/{notice.payload['token']}"
    assert notice.channel is Channel.EMAIL and url in notice.body


@then(parsers.parse("ve la alerta {severity} de {what} de {name}, en el nivel {level:d}"))
def _(world: dict[str, Any], severity: str, what: str, name: str, level: int) -> None:
    link = world["page"].link
    assert (severity_label(link.severity), alert_type_label(link.alert_type),
            link.cared_person_name.split()[0], link.escalation_level) == (
        severity, what, name, level)


@then("la alerta sigue sin confirmar")
def _(bench: SafetyBench) -> None:
    alert = the_alert(bench)
    assert alert.acknowledged_at is None and alert.next_escalation_at is not None


@then(parsers.parse("la alerta queda confirmada por {name}, por {channel}, enviado a "
                    "{address}"))
def _(bench: SafetyBench, world: dict[str, Any], name: str, channel: str,
      address: str) -> None:
    alert = the_alert(bench)
    user = world["people"].get(name)
    assert alert.acknowledged_at == bench.clock.now() and alert.next_escalation_at is None
    assert (alert.acknowledged_by, alert.acknowledged_via, alert.acknowledged_recipient) == (
        user.id if user else None, CHANNEL[channel], address)


@then(parsers.parse("pasados {minutes:d} minutos nadie más recibe avisos"))
def _(bench: SafetyBench, run: Run, minutes: int) -> None:
    told = len(bench.notifications())
    bench.advance(minutes=minutes)
    assert run(bench.escalate()) == 0 and len(bench.notifications()) == told


@then(parsers.parse("el enlace responde que {answer}"))
def _(world: dict[str, Any], answer: str) -> None:
    outcome = world["outcome"]
    if answer == "no es válido":
        assert isinstance(outcome, NotFound)
    else:
        assert isinstance(outcome, AckLinkRefused) and outcome.state is ANSWER[answer]


@then("la respuesta no coincide con ningún aviso")
def _(world: dict[str, Any]) -> None:
    assert isinstance(world["outcome"], NotFound)
