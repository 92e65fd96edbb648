"""Steps of responder_channels.feature, on in-memory adapters through the use cases. The
scheduler is played by ticking the escalation job every 30 seconds; a phone registered
for push is named "teléfono N de <persona>" (its token)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from cuiot.application.identity.commands.channels import (
    ChooseChannels,
    ChooseChannelsCommand,
    RegisterPushToken,
    RegisterPushTokenCommand,
)
from cuiot.application.safety.ports import PushMessage
from cuiot.domain.care import ResponderInfo
from cuiot.domain.errors import DomainError
from cuiot.domain.notifications import Channel, Notification
from tests.support.alerts import SafetyBench

scenarios("responder_channels.feature")

Run = Callable[[Awaitable[Any]], Any]
CHANNEL = {"correo": "email", "sms": "sms", "push": "push"}
CHOICES = {"solo SMS": ("sms",), "ningún canal": (), "solo push": ("push",),
           "SMS y push": ("sms", "push")}
# Why a choice is refused, as the rule names the field that is wrong.
REASONS = {"falta el número": "sms_number", "el número no tiene código de país": "sms_number",
           "no eligió ningún canal": "channels"}


@pytest.fixture
def bench() -> SafetyBench:
    return SafetyBench()


@pytest.fixture
def world() -> dict[str, Any]:
    return {"people": {}, "persons": {}, "devices": {}, "error": None}


def attempt(world: dict[str, Any], run: Run, call: Awaitable[Any]) -> None:
    world["error"] = None
    try:
        run(call)
    except DomainError as error:
        world["error"] = error


def phone(name: str, n: int) -> str:
    return f"teléfono {n} de {name}"


def token(name: str, n: int) -> str:
    return f"token-{n}-de-{name}"  # what the app would register


def register(bench: SafetyBench, run: Run, world: dict[str, Any], name: str, n: int) -> None:
    attempt(world, run, bench.call(RegisterPushToken, RegisterPushTokenCommand(
        world["people"][name].id, token(name, n), phone(name, n))))


def choose(bench: SafetyBench, run: Run, world: dict[str, Any], name: str,
           channels: tuple[str, ...], number: str | None = None) -> None:
    attempt(world, run, bench.call(ChooseChannels, ChooseChannelsCommand(
        world["people"][name].id, channels, number)))


def shown(world: dict[str, Any], n: Notification) -> tuple[int | None, str, str, str]:
    """A row as the feature's tables say it."""
    by_id = {u.id: name for name, u in world["people"].items()}
    tokens = {token(name, i): phone(name, i) for name in world["people"] for i in range(1, 11)}
    return (n.escalation_level, by_id[n.recipient_user_id], n.channel.value,
            tokens.get(n.address, n.address))


def tick_until(bench: SafetyBench, run: Run, minutes: int) -> None:
    target = bench.clock.now() + timedelta(minutes=minutes)
    while bench.clock.now() < target:
        bench.clock.set(min(bench.clock.now() + timedelta(seconds=30), target))
        run(bench.escalate())


# Dado


@given(parsers.parse("que {holder} tiene a su cargo a {name} y es su representante legal"))
def _(bench: SafetyBench, world: dict[str, Any], holder: str, name: str) -> None:
    world["people"][holder] = bench.user(holder)
    world["persons"][name] = bench.person(world["people"][holder], name)
    bench.representative(world["persons"][name], world["people"][holder])


@given(parsers.parse("que {member}, hermano de {holder}, puede ver a {name}"))
def _(bench: SafetyBench, world: dict[str, Any], member: str, holder: str, name: str) -> None:
    world["people"][member] = bench.user(member)
    bench.fresh(world["persons"][name]).member_ids.add(world["people"][member].id)


@given(parsers.parse("que {caregiver} es la cuidadora principal de {name}"))
def _(bench: SafetyBench, world: dict[str, Any], caregiver: str, name: str) -> None:
    world["people"][caregiver] = bench.user(caregiver)
    bench.caregiver(world["persons"][name], world["people"][caregiver], primary=True)


@given(parsers.parse("que {name} tiene un botón de pánico"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    world["devices"][name] = run(bench.device(world["persons"][name], "panic_button"))


@given(parsers.re(r"que (?P<name>\w+) registró (?P<count>\d+) teléfonos? para push"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str, count: str) -> None:
    for n in range(1, int(count) + 1):
        register(bench, run, world, name, n)
        assert world["error"] is None


@given(parsers.re(r'que (?P<name>\w+) eligió SMS al "(?P<number>[^"]+)" y push, y registró '
                  r"(?P<count>\d+) teléfonos?"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str, number: str,
      count: str) -> None:
    choose(bench, run, world, name, ("sms", "push"), number)
    for n in range(1, int(count) + 1):
        register(bench, run, world, name, n)
    assert world["error"] is None


@given(parsers.parse('que {name} eligió solo SMS al "{number}"'))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str, number: str) -> None:
    choose(bench, run, world, name, ("sms",), number)
    assert world["error"] is None


@given(parsers.parse("que {name} eligió solo push y no registró ningún teléfono"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    choose(bench, run, world, name, ("push",))
    assert world["error"] is None and not bench.fresh(world["people"][name]).push_tokens


@given(parsers.parse('que la ficha de {name} dice que vive en "{address}", que tiene '
                     '"{condition}", que toma "{medication}" y que es alérgica a "{allergy}"'))
def _(bench: SafetyBench, world: dict[str, Any], name: str, address: str, condition: str,
      medication: str, allergy: str) -> None:
    bench.fresh(world["persons"][name]).change_care(responder_info=ResponderInfo(
        address=address, conditions=(condition,), medications=(medication,),
        allergies=(allergy,)))


# Cuando


@when(parsers.parse("{name} pulsa su botón de pánico"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    run(bench.device_event(world["devices"][name], "pressed"))


@when(parsers.parse("pasan {minutes:d} minutos sin que nadie la confirme"))
def _(bench: SafetyBench, run: Run, minutes: int) -> None:
    tick_until(bench, run, minutes)


@when(parsers.re(r"(?P<name>\w+) elige (?P<channels>solo SMS|ningún canal) "
                 r'(?:sin dar un número|con el número "(?P<number>[^"]+)")'))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str, channels: str,
      number: str | None) -> None:
    choose(bench, run, world, name, CHOICES[channels], number)


@when(parsers.parse("{name} registra otra vez su teléfono {n:d}"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str, n: int) -> None:
    register(bench, run, world, name, n)
    assert world["error"] is None


@when(parsers.parse("{name} registra un teléfono más"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    register(bench, run, world, name, 11)


# Entonces


@then("se escribieron estos avisos:")
def _(bench: SafetyBench, world: dict[str, Any], datatable: list[list[str]]) -> None:
    expected = sorted((int(level), who, CHANNEL[channel], address)
                      for level, who, channel, address in datatable[1:])
    assert sorted(shown(world, n) for n in bench.notifications()) == expected


@then(parsers.re(r'a (?P<name>\w+) se le avisó solo por (?P<channel>\w+) al "(?P<address>[^"]+)" '
                 r"en (?:el nivel (?P<level>\d)|los niveles (?P<first>\d) y (?P<second>\d))"))
def _(bench: SafetyBench, world: dict[str, Any], name: str, channel: str, address: str,
      level: str | None, first: str | None, second: str | None) -> None:
    levels = [int(level)] if level else [int(first or 0), int(second or 0)]
    mine = {(n.escalation_level, n.channel.value, n.address) for n in bench.notifications()
            if n.recipient_user_id == world["people"][name].id}
    assert mine == {(lv, CHANNEL[channel], address) for lv in levels}


@then(parsers.parse("se le rechaza porque {reason}"))
def _(world: dict[str, Any], reason: str) -> None:
    error = world["error"]
    assert error is not None, "nothing was refused"
    if reason == "ya tiene 10 teléfonos":
        assert error.code == "conflict" and error.details == {"limit": 10}
    else:
        assert (error.code, error.details["field"]) == ("validation_error", REASONS[reason])


@then(parsers.parse("a {name} le siguen llegando los avisos por correo y push"))
def _(bench: SafetyBench, world: dict[str, Any], name: str) -> None:
    user = bench.fresh(world["people"][name])
    assert user.channels.chosen == (Channel.EMAIL, Channel.PUSH) and user.sms_number is None


@then(parsers.parse("{name} tiene {count:d} teléfonos registrados"))
def _(bench: SafetyBench, world: dict[str, Any], name: str, count: int) -> None:
    tokens = [t.token for t in bench.fresh(world["people"][name]).push_tokens]
    assert tokens == [token(name, n) for n in range(1, count + 1)]


@then(parsers.parse("{name} recibe un SMS y un push que nombran a {person}"))
def _(bench: SafetyBench, world: dict[str, Any], name: str, person: str) -> None:
    rows = [n for n in bench.notifications() if n.recipient_user_id == world["people"][name].id]
    assert sorted(n.channel.value for n in rows) == ["push", "sms"]
    assert all(person in n.subject and person in n.body for n in rows)


@then(parsers.re(r"ningún SMS ni push dice (?P<words>.+)"))
def _(bench: SafetyBench, words: str) -> None:
    private = [w.strip().strip('"') for w in words.replace(" ni ", ", ").split(", ")]
    sent = [f"{n.subject}\n{n.body}" for n in bench.notifications() if n.channel is Channel.SMS]
    sent += [str(PushMessage.of(n)) for n in bench.notifications() if n.channel is Channel.PUSH]
    assert sent and not [w for w in private for text in sent if w in text]
