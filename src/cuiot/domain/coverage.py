"""Protection state ("coverage") of a cared person: would an emergency be noticed and
told to someone right now? ``protected``, ``degraded`` or ``unprotected``, with every
reason found. The worst reason gives the state; no reason is ``protected``.

The causes, and the state each one gives:

- ``device_offline`` → **unprotected**: a safety-critical device (panic button, gas
  sensor, motion sensor for falls) is offline, so the danger it watches would go
  unnoticed. A device never heard from yet (status ``unknown``) does not count: nothing
  says it stopped working.
- ``battery_low`` → **degraded**: such a device still works, but its battery is under
  ``policy.battery_low_below`` (the ``battery_low`` event's "low"): it is about to stop.
  An offline device gives only ``device_offline``.
- ``no_reachable_responder`` → **degraded**: nobody on level 1 of the ladder (the person
  who cares for themselves, the representative in force, the primary caregiver who
  accepted) is an active user with an email or a phone. An alert still climbs the ladder
  (the admins at once, level 2 after the timeout), but the closest people hear late.
- ``no_delivery`` → **unprotected**: notifications of the person's alerts were sent in
  the last ``policy.coverage_delivery_window`` (24 h) and none reached anyone (every one
  failed, or went only to the operators' log). Nobody would be told. With nothing sent
  in the window there is nothing to judge: no reason.

A lapse is a change for the worse (protected → degraded or unprotected, degraded →
unprotected): it opens an alert ``coverage_lapsed`` (medium when degraded, high when
unprotected; see ``LAPSE_SEVERITY``). An improvement opens nothing and resolves nothing:
like a ``device_offline`` alert after the device comes back, the coverage alert stays for
a person to acknowledge and resolve, since someone should know it happened. Staying in a
state opens nothing either. A person never evaluated counts as protected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from cuiot.domain.devices import DeviceStatus
from cuiot.domain.policy import Policy
from cuiot.domain.sensor_events import DeviceType, Severity


class CoverageState(StrEnum):
    """Ordered: protected < degraded < unprotected (worse is greater)."""

    PROTECTED = "protected"
    DEGRADED = "degraded"
    UNPROTECTED = "unprotected"

    @property
    def rank(self) -> int:
        return list(CoverageState).index(self)

    def is_worse_than(self, other: CoverageState) -> bool:
        return self.rank > other.rank


class ReasonCode(StrEnum):
    DEVICE_OFFLINE = "device_offline"
    BATTERY_LOW = "battery_low"
    NO_REACHABLE_RESPONDER = "no_reachable_responder"
    NO_DELIVERY = "no_delivery"


STATE_OF: dict[ReasonCode, CoverageState] = {
    ReasonCode.DEVICE_OFFLINE: CoverageState.UNPROTECTED,
    ReasonCode.BATTERY_LOW: CoverageState.DEGRADED,
    ReasonCode.NO_REACHABLE_RESPONDER: CoverageState.DEGRADED,
    ReasonCode.NO_DELIVERY: CoverageState.UNPROTECTED,
}

LAPSE_SEVERITY: dict[CoverageState, Severity] = {
    CoverageState.DEGRADED: Severity.MEDIUM,
    CoverageState.UNPROTECTED: Severity.HIGH,
}

# The devices that raise the alarm for an emergency, as a reader names them.
SAFETY_CRITICAL: dict[DeviceType, str] = {
    DeviceType.PANIC_BUTTON: "botón de pánico",
    DeviceType.GAS_SENSOR: "sensor de gas",
    DeviceType.MOTION_SENSOR: "sensor de movimiento",
}


@dataclass(frozen=True, slots=True)
class WatchingDevice:
    """An active device of the person, as coverage looks at it."""

    id: UUID
    name: str
    device_type: DeviceType
    status: DeviceStatus
    battery_level: int | None = None

    @property
    def is_safety_critical(self) -> bool:
        return self.device_type in SAFETY_CRITICAL


@dataclass(frozen=True, slots=True)
class Responder:
    """An active user on level 1 of the person's ladder."""

    user_id: UUID
    name: str
    email: str | None = None
    phone: str | None = None

    @property
    def reachable(self) -> bool:
        """Has an address a channel can use (today every user has an email)."""
        return bool(self.email or self.phone)


@dataclass(frozen=True, slots=True)
class Deliveries:
    """The person's alert notifications created in the window that are done:
    ``delivered`` to someone, or ``undelivered`` (given up, or sent only to the operators'
    log because nobody at all was there to tell). Those still being tried are neither."""

    delivered: int = 0
    undelivered: int = 0


@dataclass(frozen=True, slots=True)
class CoverageInputs:
    """What the evaluation looks at: plain values, read by whoever evaluates."""

    cared_person_id: UUID
    cared_person_name: str
    devices: Sequence[WatchingDevice] = ()
    level_one: Sequence[Responder] = ()
    deliveries: Deliveries = Deliveries()


@dataclass(frozen=True, slots=True)
class Reason:
    """One cause, about one device or the person (``subject_*``), in Spanish."""

    code: ReasonCode
    subject_id: UUID
    subject_name: str
    message: str

    @property
    def state(self) -> CoverageState:
        return STATE_OF[self.code]


@dataclass(frozen=True, slots=True)
class Assessment:
    state: CoverageState
    reasons: tuple[Reason, ...]


def assess(inputs: CoverageInputs, policy: Policy) -> Assessment:
    """Every reason found, device by device, then the responders, then the deliveries."""
    reasons = [*_device_reasons(inputs.devices, policy), *_responder_reasons(inputs),
               *_delivery_reasons(inputs, policy)]
    state = max((r.state for r in reasons), key=lambda s: s.rank,
                default=CoverageState.PROTECTED)
    return Assessment(state, tuple(reasons))


def _device_reasons(devices: Sequence[WatchingDevice], policy: Policy) -> list[Reason]:
    found = []
    for device in (d for d in devices if d.is_safety_critical):
        kind = SAFETY_CRITICAL[device.device_type]
        if device.status is DeviceStatus.OFFLINE:
            found.append(Reason(ReasonCode.DEVICE_OFFLINE, device.id, device.name,
                                f"El {kind} «{device.name}» está desconectado: si pasa algo, "
                                "no puede dar la alarma."))
        elif device.battery_level is not None and device.battery_level < policy.battery_low_below:
            found.append(Reason(ReasonCode.BATTERY_LOW, device.id, device.name,
                                f"El {kind} «{device.name}» tiene la batería al "
                                f"{device.battery_level} %: hay que cargarla o cambiarla "
                                "antes de que se apague."))
    return found


def _responder_reasons(inputs: CoverageInputs) -> list[Reason]:
    if any(r.reachable for r in inputs.level_one):
        return []
    return [Reason(ReasonCode.NO_REACHABLE_RESPONDER, inputs.cared_person_id,
                   inputs.cared_person_name,
                   "Nadie del primer nivel de aviso (la persona si se cuida sola, su "
                   "representante legal o su cuidador principal) puede recibir avisos: "
                   "una alerta llegaría a la familia recién en el segundo nivel.")]


def _delivery_reasons(inputs: CoverageInputs, policy: Policy) -> list[Reason]:
    done = inputs.deliveries
    if done.delivered or not done.undelivered:
        return []
    hours = int(policy.coverage_delivery_window.total_seconds() // 3600)
    return [Reason(ReasonCode.NO_DELIVERY, inputs.cared_person_id, inputs.cared_person_name,
                   f"Ningún aviso llegó a sus responsables en las últimas {hours} horas: "
                   f"{_sends(done.undelivered)} sin entregar.")]


def _sends(count: int) -> str:
    return "1 envío quedó" if count == 1 else f"{count} envíos quedaron"


@dataclass(eq=False)
class CoverageRecord:
    """The last known state of one cared person (table ``coverage_states``), kept to
    tell a lapse from a state that merely continues."""

    cared_person_id: UUID
    state: CoverageState
    changed_at: datetime
    evaluated_at: datetime

    @classmethod
    def first(cls, cared_person_id: UUID, at: datetime) -> CoverageRecord:
        """Before any evaluation a person counts as protected."""
        return cls(cared_person_id, CoverageState.PROTECTED, at, at)

    def observe(self, found: Assessment, at: datetime) -> CoverageState | None:
        """Keep what an evaluation found at ``at``. Returns the state it replaced when
        coverage got worse (a lapse: an alert to open), else None."""
        previous = self.state
        self.evaluated_at = at
        if found.state is not previous:
            self.state, self.changed_at = found.state, at
        return previous if found.state.is_worse_than(previous) else None
