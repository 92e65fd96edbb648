"""Steps of event_classification.feature, on in-memory adapters through the use cases
(ingestion, device status and the periodic checks)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from cuiot.application.safety.commands.devices import UpdateDevice, UpdateDeviceCommand
from cuiot.application.safety.commands.ingest import IngestDeviceEventCommand, IngestReadingCommand
from cuiot.application.safety.commands.ingest_batch import closes_batch
from cuiot.application.safety.commands.monitoring import (
    CheckDevicesOffline,
    CheckInactivity,
    RecordDeviceStatus,
    RecordDeviceStatusCommand,
)
from cuiot.domain.classification import Thresholds
from cuiot.domain.devices import DeviceStatus
from cuiot.domain.errors import InvalidReading
from cuiot.domain.sensor_events import EventType, Severity
from tests.support.alerts import SafetyBench

scenarios("event_classification.feature")

Run = Callable[[Awaitable[Any]], Any]
ZONE = ZoneInfo("America/Argentina/Buenos_Aires")
NUMBER = r"-?\d+(?:\.\d+)?"
SEVERITY = {"baja": Severity.LOW, "media": Severity.MEDIUM, "alta": Severity.HIGH,
            "crítica": Severity.CRITICAL}
KIND = {"tensión arterial": EventType.BLOOD_PRESSURE, "gas": EventType.GAS,
        "movimiento": EventType.MOTION, "caída": EventType.FALL,
        "botón de pánico": EventType.PANIC_PRESSED,
        "movimiento en cámara": EventType.MOTION_DETECTED,
        "persona en el suelo": EventType.PERSON_DOWN, "batería baja": EventType.BATTERY_LOW,
        "dispositivo desconectado": EventType.DEVICE_OFFLINE,
        "inactividad": EventType.INACTIVITY}
SIGNAL = {"movimiento": "motion", "caída": "fall", "pulsado": "pressed",
          "movimiento detectado": "motion_detected", "persona en el suelo": "person_down"}
DEVICES = {"el tensiómetro": "blood_pressure", "el sensor de gas": "gas_sensor",
           "el sensor de movimiento": "motion_sensor", "el botón de pánico": "panic_button",
           "la cámara": "ip_camera"}
THRESHOLD = {"sistólica alta": "bp_high_systolic_at_least", "CO crítico": "gas_co_critical_ppm"}
REFUSAL = {
    "la sistólica está fuera de rango": ("systolic", "out_of_range"),
    "la diastólica está fuera de rango": ("diastolic", "out_of_range"),
    "el pulso está fuera de rango": ("pulse", "out_of_range"),
    "la sistólica no supera a la diastólica": ("systolic", "systolic_not_above_diastolic"),
    "falta el pulso": ("pulse", "missing"),
    "la sistólica no es un número": ("systolic", "not_a_number"),
    "el CO no puede ser negativo": ("CO", "out_of_range"),
    "el CO2 no puede ser negativo": ("CO2", "out_of_range"),
    "el humo no puede ser negativo": ("smoke", "out_of_range"),
    "la lectura no corresponde al dispositivo": ("type", "reading_type_mismatch"),
    "el aviso no corresponde al dispositivo": ("event", "event_not_for_device"),
}


def number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def at(text: str) -> datetime:
    """'12:00', '12:14:59' or '23:00 de ayer', local time (today is 15/01/2026)."""
    day = 14 if text.endswith(" de ayer") else 15
    hour, minute, second = ([int(p) for p in text.removesuffix(" de ayer").split(":")] + [0])[:3]
    return datetime(2026, 1, day, hour, minute, second, tzinfo=ZONE)


@pytest.fixture
def bench() -> SafetyBench:
    return SafetyBench(now=datetime(2026, 1, 14, 8, 0, tzinfo=ZONE))


def attempt(world: dict[str, Any], run: Run, call: Awaitable[Any]) -> None:
    """Send something a device sends: keep the result or the refusal."""
    world["result"], world["error"] = None, None
    try:
        world["result"] = run(call)
    except InvalidReading as error:
        world["error"] = error


def bp(systolic: str, diastolic: str, pulse: str) -> dict[str, Any]:
    return {"systolic": number(systolic), "diastolic": number(diastolic), "pulse": number(pulse)}


def of_kind(bench: SafetyBench, kind: str) -> list[Any]:
    return [e for e in bench.events() if e.event_type is KIND[kind]]


# Dado


@given(parsers.parse("que {name} está a cargo de su hija {holder}"))
def _(bench: SafetyBench, world: dict[str, Any], name: str, holder: str) -> None:
    ana = bench.user(holder)
    world["person"] = bench.person(ana, name)
    bench.representative(world["person"], ana)


@given("que Elena tiene un tensiómetro, un sensor de gas, un sensor de movimiento, "
       "un botón de pánico y una cámara")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    world["devices"] = {name: run(bench.device(world["person"], kind))
                        for name, kind in DEVICES.items()}


@given("que Elena tiene además un segundo sensor de movimiento")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    world["devices"]["el segundo sensor de movimiento"] = run(
        bench.device(world["person"], "motion_sensor"))


def configure(bench: SafetyBench, run: Run, world: dict[str, Any], **settings: Any) -> None:
    device = bench.fresh(world["devices"]["el tensiómetro"])
    run(bench.call(UpdateDevice, UpdateDeviceCommand(
        world["person"].account_id, device.id, config={**device.config, **settings})))


@given(parsers.re(rf'que el tensiómetro está configurado con "(?P<name>[^"]+)" '
                  rf'desde (?P<value>{NUMBER})'))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str, value: str) -> None:
    configure(bench, run, world, **{THRESHOLD[name]: number(value)})


@given(parsers.parse("que el tensiómetro está configurado con un latido de {seconds:d} segundos"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], seconds: int) -> None:
    configure(bench, run, world, heartbeat_s=seconds)


@given(parsers.re(rf'que Elena tiene su propio umbral de "(?P<name>[^"]+)" '
                  rf'desde (?P<value>{NUMBER})'))
def _(bench: SafetyBench, world: dict[str, Any], name: str, value: str) -> None:
    bench.fresh(world["person"]).thresholds[THRESHOLD[name]] = number(value)


@given(parsers.re(r"que (?P<device>el (?:segundo )?sensor de movimiento) detectó movimiento "
                  r"a las (?P<when>.+)"))
@when(parsers.re(r"(?P<device>el (?:segundo )?sensor de movimiento) detecta movimiento "
                 r"a las (?P<when>.+)"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], device: str, when: str) -> None:
    bench.clock.set(at(when))
    run(bench.device_event(world["devices"][device], "motion"))


@given(parsers.parse("que el tensiómetro envió una lectura a las {when}"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], when: str) -> None:
    bench.clock.set(at(when))
    run(bench.reading(world["devices"]["el tensiómetro"], bp("120", "80", "72")))


# Cuando


@when(parsers.re(rf"el tensiómetro mide (?P<s>{NUMBER})/(?P<d>{NUMBER}) con pulso (?P<p>{NUMBER})"
                 rf"(?: e informa batería (?P<battery>{NUMBER}) %)?"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], s: str, d: str, p: str,
      battery: str | None) -> None:
    level = number(battery) if battery else None
    attempt(world, run, bench.reading(world["devices"]["el tensiómetro"], bp(s, d, p),
                                      battery=level))


@when("el tensiómetro envía una lectura sin pulso")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    attempt(world, run, bench.reading(world["devices"]["el tensiómetro"],
                                      {"systolic": 120, "diastolic": 80}))


@when(parsers.parse('el tensiómetro envía la sistólica "{value}"'))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], value: str) -> None:
    attempt(world, run, bench.reading(world["devices"]["el tensiómetro"],
                                      {"systolic": value, "diastolic": 80, "pulse": 70}))


@when(parsers.re(rf"el tensiómetro envía dos veces el mismo mensaje con (?P<s>{NUMBER})/"
                 rf"(?P<d>{NUMBER}) y pulso (?P<p>{NUMBER})"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], s: str, d: str, p: str) -> None:
    for _ in range(2):
        attempt(world, run, bench.reading(world["devices"]["el tensiómetro"], bp(s, d, p),
                                          msg_id="mensaje-1"))


@when(parsers.re(rf"el sensor de gas mide CO (?P<co>{NUMBER}) ppm, CO2 (?P<co2>{NUMBER}) ppm "
                 rf"y humo (?P<smoke>{NUMBER}) mg/m³"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], co: str, co2: str,
      smoke: str) -> None:
    data = {"CO": number(co), "CO2": number(co2), "smoke": number(smoke)}
    attempt(world, run, bench.reading(world["devices"]["el sensor de gas"], data))


@when("el sensor de gas envía una lectura de tensión arterial")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    attempt(world, run, bench.reading(world["devices"]["el sensor de gas"],
                                      bp("120", "80", "72"), type="blood_pressure"))


@when(parsers.re(r'(?P<device>el [\w ]+|la cámara) avisa "(?P<signal>[^"]+)"'))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], device: str, signal: str) -> None:
    attempt(world, run, bench.device_event(world["devices"][device], SIGNAL[signal]))


@when(parsers.re(rf"el botón de pánico informa batería (?P<level>{NUMBER}) %"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], level: str) -> None:
    attempt(world, run, bench.reading(world["devices"]["el botón de pánico"], {},
                                      battery=number(level)))


@when(parsers.re(r'llega el aviso "(?P<signal>[^"]+)"'), target_fixture="message")
def _(signal: str) -> IngestDeviceEventCommand:
    return IngestDeviceEventCommand("any-device", "m-1", SIGNAL[signal])


@when(parsers.re(rf"llega una tensión de (?P<s>{NUMBER})/(?P<d>{NUMBER}) con pulso "
                 rf"(?P<p>{NUMBER})"), target_fixture="message")
def _(s: str, d: str, p: str) -> IngestReadingCommand:
    return IngestReadingCommand("any-device", "m-1", "blood_pressure", bp(s, d, p))


@when(parsers.re(rf"llega una lectura de gas con (?P<gas>CO2?) (?P<ppm>{NUMBER}) ppm"),
      target_fixture="message")
def _(gas: str, ppm: str) -> IngestReadingCommand:
    return IngestReadingCommand("any-device", "m-1", "gas_sensor", {gas: number(ppm)})


@when(parsers.parse("a las {when} se controla la inactividad"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], when: str) -> None:
    bench.clock.set(at(when))
    world["raised"] = run(bench.call(CheckInactivity))


@when(parsers.parse("a las {when} se controlan los dispositivos"))
def _(bench: SafetyBench, run: Run, when: str) -> None:
    bench.clock.set(at(when))
    run(bench.call(CheckDevicesOffline))


@when("el tensiómetro avisa que se desconecta")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    device = world["devices"]["el tensiómetro"]
    run(bench.call(RecordDeviceStatus, RecordDeviceStatusCommand(device.device_id, "offline")))


@when(parsers.parse("el tensiómetro anuncia que late cada {seconds:d} segundos"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], seconds: int) -> None:
    device = world["devices"]["el tensiómetro"]
    try:
        run(bench.call(RecordDeviceStatus, RecordDeviceStatusCommand(
            device.device_id, "online", heartbeat_s=seconds)))
        world["error"] = None
    except InvalidReading as error:
        world["error"] = error
    world["announced"] = seconds


@then("el anuncio se acepta")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    assert world["error"] is None
    device = bench.fresh(world["devices"]["el tensiómetro"])
    assert device.config["heartbeat_s"] == world["announced"]


@then("el anuncio se rechaza")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    assert isinstance(world["error"], InvalidReading)
    device = bench.fresh(world["devices"]["el tensiómetro"])
    assert device.config.get("heartbeat_s") != world["announced"]


# Entonces


@then("el mensaje no espera a los demás")
def _(bench: SafetyBench, message: Any) -> None:
    assert closes_batch(message, Thresholds.from_policy(bench.policy))


@then("el mensaje puede esperar a los demás")
def _(bench: SafetyBench, message: Any) -> None:
    assert not closes_batch(message, Thresholds.from_policy(bench.policy))


@then(parsers.parse("la lectura se guarda con gravedad {severity}"))
def _(world: dict[str, Any], severity: str) -> None:
    assert world["error"] is None, world["error"]
    assert world["result"].events[0].severity is SEVERITY[severity]


@then(parsers.parse('la lectura se rechaza porque "{reason}"'))
def _(world: dict[str, Any], reason: str) -> None:
    error = world["error"]
    assert isinstance(error, InvalidReading), world["result"]
    assert (error.details["field"], error.details["reason"]) == REFUSAL[reason]


@then("no se guarda ningún evento")
def _(bench: SafetyBench) -> None:
    assert bench.events() == []


@then(parsers.re(r'hay (?P<count>\d+) eventos? de "(?P<kind>[^"]+)"'))
def _(bench: SafetyBench, world: dict[str, Any], count: str, kind: str) -> None:
    world["found"] = of_kind(bench, kind)
    assert len(world["found"]) == int(count)


@then(parsers.parse("el evento tiene gravedad {severity}"))
def _(world: dict[str, Any], severity: str) -> None:
    assert [e.severity for e in world["found"]] == [SEVERITY[severity]]


@then(parsers.parse('se guarda un evento de "{kind}" con gravedad {severity}'))
def _(bench: SafetyBench, kind: str, severity: str) -> None:
    assert [e.severity for e in of_kind(bench, kind)] == [SEVERITY[severity]]


@then(parsers.parse('no se guarda ningún evento de "{kind}"'))
def _(bench: SafetyBench, kind: str) -> None:
    assert of_kind(bench, kind) == []


@then("el nivel de batería queda rechazado por imposible")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    assert world["result"].battery_rejected
    assert bench.fresh(world["devices"]["el tensiómetro"]).battery_level is None


@then("el tensiómetro sigue conectado")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    assert bench.fresh(world["devices"]["el tensiómetro"]).status is DeviceStatus.ONLINE
    assert of_kind(bench, "dispositivo desconectado") == []


@then("el tensiómetro queda desconectado")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    assert bench.fresh(world["devices"]["el tensiómetro"]).status is DeviceStatus.OFFLINE
    assert [e.severity for e in of_kind(bench, "dispositivo desconectado")] == [Severity.MEDIUM]
