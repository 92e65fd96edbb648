"""Evaluating each cared person's protection state (``domain/coverage.py``) and opening a
``coverage_lapsed`` alert when it gets worse.

- ``EvaluateCoverage``: some persons now, right after a device of theirs went offline
  (``monitoring.py``), in a unit of work of its own.
- ``CheckCoverage`` (the scheduler's job): every cared person, a page per unit of work.

Each evaluation keeps the person's state (``CoverageRecord``, held for the unit of
work: two evaluations of one person never both see one lapse); a lapse records a
``coverage_lapsed`` event through the safety path, which opens the alert, or joins the
one still open, and tells level 1 at once, like any other. Alerts belong to a device,
so it is filed under the person's oldest active safety-critical device, else their
oldest active device; which devices are at fault is in the event's data and in
``GET /cared-persons/{id}/coverage``. A person with no active device has nothing to file
it under: their state is still kept and read.

Locks are taken in one order: the persons' coverage states, then devices (the alerts'),
in id order as an ingest batch takes its own, then the alerts. A page's lapses are
therefore opened in the order of their devices' ids, not of the persons: a page holding
one device while it waits for another that a batch holds, which in turn waits for the
first, would be a deadlock. That is also why a device going offline is judged after its
own unit of work, which held the device, has committed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from uuid import UUID

from cuiot.application.safety.commands.escalation import Alerting, SafetyUseCase
from cuiot.application.safety.commands.recipients import Directory
from cuiot.domain.care import CaredPerson
from cuiot.domain.coverage import (
    LAPSE_SEVERITY,
    SAFETY_CRITICAL,
    Assessment,
    CoverageInputs,
    CoverageState,
    Deliveries,
    Responder,
    WatchingDevice,
    assess,
)
from cuiot.domain.devices import Device
from cuiot.domain.escalation import FIRST_LEVEL
from cuiot.domain.sensor_events import Classification, EventType

REASONS_KEPT = 20  # in the event's data, which has a size limit


@dataclass(frozen=True, slots=True)
class CheckCoverageCommand:
    limit: int = 200  # cared persons per unit of work


@dataclass(frozen=True, slots=True)
class Watch:
    """What evaluating one person looks at, and their active devices (oldest first)."""

    person: CaredPerson
    devices: list[Device]
    inputs: CoverageInputs


async def evaluate_coverage(alerting: Alerting, cared_person_ids: Collection[UUID]) -> int:
    """Evaluate these persons now and keep their state; returns how many lapsed."""
    if not cared_person_ids:
        return 0
    persons = {i: p for i, p in (await alerting.uow.cared_persons.get_many(
        cared_person_ids)).items() if p.is_active}  # deactivated: no longer watched
    records = await alerting.uow.coverage.hold(persons.keys(), alerting.now)
    lapses = []
    for watch in await watches(alerting, persons.values()):
        found = assess(watch.inputs, alerting.policy)
        previous = records[watch.person.id].observe(found, alerting.now)
        filed_under = _filed_under(watch.devices)
        if previous is not None and filed_under is not None:
            lapses.append((filed_under, watch, found, previous))
    for filed_under, watch, found, previous in sorted(lapses, key=lambda lapse: lapse[0].id):
        await _open_alert(alerting, filed_under, watch, found, previous)
    return len(lapses)


async def watches(alerting: Alerting, persons: Collection[CaredPerson]) -> list[Watch]:
    """What evaluating these persons looks at, read in a few statements for them all."""
    uow, now, ids = alerting.uow, alerting.now, [p.id for p in persons]
    devices = await uow.coverage.active_devices(ids)
    deliveries = await uow.coverage.deliveries(ids, now - alerting.policy.coverage_delivery_window)
    directory = await Directory.load(uow, persons, alerting.today, now)
    return [Watch(p, devices.get(p.id, []),
                  _inputs(p, devices.get(p.id, []), directory, deliveries.get(p.id)))
            for p in persons]


@dataclass(frozen=True, slots=True)
class EvaluateCoverageCommand:
    cared_person_ids: frozenset[UUID]


class EvaluateCoverage(SafetyUseCase):
    """Returns how many of these persons lapsed."""

    async def __call__(self, cmd: EvaluateCoverageCommand) -> int:
        if not cmd.cared_person_ids:
            return 0
        async with self.uow:
            lapsed = await evaluate_coverage(self._alerting(), cmd.cared_person_ids)
            await self.uow.commit()
        return lapsed


class CheckCoverage(SafetyUseCase):
    """Returns how many persons lapsed."""

    async def __call__(self, cmd: CheckCoverageCommand | None = None) -> int:
        cmd = cmd or CheckCoverageCommand()
        after, lapsed = None, 0
        while True:
            async with self.uow:
                page = await self.uow.coverage.person_ids_after(after, cmd.limit)
                lapsed += await evaluate_coverage(self._alerting(), page)
                await self.uow.commit()
            if len(page) < cmd.limit:
                return lapsed
            after = page[-1]


def _inputs(person: CaredPerson, devices: Sequence[Device], directory: Directory,
            deliveries: Deliveries | None) -> CoverageInputs:
    level_one = directory.at_level(person, FIRST_LEVEL).users
    return CoverageInputs(
        cared_person_id=person.id, cared_person_name=person.full_name,
        devices=[WatchingDevice(d.id, d.name, d.device_type, d.status, d.battery_level)
                 for d in devices],
        level_one=[Responder(u.id, u.full_name, str(u.email), u.phone) for u in level_one],
        deliveries=deliveries or Deliveries())


def _filed_under(devices: Sequence[Device]) -> Device | None:
    """The device a lapse is filed under (see the module); None when there is none."""
    return next((d for d in devices if d.device_type in SAFETY_CRITICAL),
                devices[0] if devices else None)


async def _open_alert(alerting: Alerting, filed_under: Device, watch: Watch,
                      found: Assessment, previous: CoverageState) -> None:
    """Record the lapse under ``filed_under``, which this locks (see the module)."""
    data = {"state": found.state.value, "previous": previous.value,
            "reason_count": len(found.reasons),
            "reasons": [{"code": r.code.value, "subject_id": str(r.subject_id)}
                        for r in found.reasons[:REASONS_KEPT]]}
    lapse = Classification(EventType.COVERAGE_LAPSED, LAPSE_SEVERITY[found.state])
    await alerting.record(filed_under, watch.person, lapse, data=data, timestamp=alerting.now)
