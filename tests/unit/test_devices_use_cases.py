"""Device use cases: who may register and manage devices, authentication (listing and
seeing them are queries: tests/integration/test_devices_views.py)."""

from __future__ import annotations

import pytest

from cuiot.application.safety.commands import devices as uc
from cuiot.application.safety.commands.telemetry import HttpTelemetryCommand, IngestHttpTelemetry
from cuiot.domain.devices import hash_api_key
from cuiot.domain.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PackageLimitExceeded,
    Unauthenticated,
    ValidationFailed,
)
from cuiot.domain.users import Role
from tests.support.alerts import BP_NORMAL, SafetyBench


@pytest.fixture
def bench() -> SafetyBench:
    return SafetyBench()


@pytest.fixture
def family(bench: SafetyBench):
    ana, bruno, carla, rita = (bench.user(n) for n in ("Ana", "Bruno", "Carla", "Rita"))
    person = bench.person(ana, member_ids={bruno.id})
    bench.caregiver(person, carla, primary=True)
    bench.representative(person, rita)
    return person, ana, bruno, carla, rita


def register(actor, person, device_id="bp-1", **fields) -> uc.RegisterDeviceCommand:
    return uc.RegisterDeviceCommand(actor_id=actor.id, device_id=device_id, name="Tensiómetro",
                                    device_type=fields.pop("device_type", "blood_pressure"),
                                    cared_person_id=person.id, **fields)


async def test_the_account_holder_registers_a_device_and_sees_its_key_once(bench, family) -> None:
    person, ana, *_ = family
    result = await bench.call(uc.RegisterDevice, register(ana, person, location="living",
                                                          config={"heartbeat_s": 60}))
    stored = bench.store.devices.items[result.device.id]
    assert stored.api_key_hash == hash_api_key(result.api_key) and result.api_key
    assert (stored.location, stored.config, stored.is_active) == ("living", {"heartbeat_s": 60},
                                                                  True)


@pytest.mark.parametrize("who", ["rita", "staff", "admin"])
async def test_representative_institution_staff_and_admins_may_register(bench, family,
                                                                        who) -> None:
    person = family[0]
    actors = {"rita": family[4], "admin": bench.user("Root", Role.ADMIN)}
    if who == "staff":
        staff = bench.user("Eva")
        bench.institution(person, staff)
        actors["staff"] = staff
    result = await bench.call(uc.RegisterDevice, register(actors[who], person))
    assert result.device.cared_person_id == person.id


@pytest.mark.parametrize("index", [2, 3])
async def test_a_member_or_a_caregiver_may_not_register(bench, family, index) -> None:
    person = family[0]
    with pytest.raises(Forbidden):
        await bench.call(uc.RegisterDevice, register(family[index], person))
    assert not bench.store.devices.items


async def test_a_stranger_is_told_the_person_does_not_exist(bench, family) -> None:
    with pytest.raises(NotFound):
        await bench.call(uc.RegisterDevice, register(bench.user("Zoe"), family[0]))


async def test_a_device_id_is_registered_once(bench, family) -> None:
    person, ana, *_ = family
    await bench.call(uc.RegisterDevice, register(ana, person))
    with pytest.raises(Conflict):
        await bench.call(uc.RegisterDevice, register(ana, person))


async def test_unknown_type_or_bad_config_is_refused(bench, family) -> None:
    person, ana, *_ = family
    with pytest.raises(ValidationFailed):
        await bench.call(uc.RegisterDevice, register(ana, person, device_type="toaster"))
    with pytest.raises(ValidationFailed):
        await bench.call(uc.RegisterDevice, register(ana, person, config={"colour": 1}))


async def test_registering_is_gated_by_the_package_limits(bench, family, monkeypatch) -> None:
    person, ana, *_ = family
    seen = {}

    async def over_limit(uow, **kwargs):
        seen.update(kwargs)
        raise PackageLimitExceeded([{"dimension": "devices", "used": 4, "limit": 3}])

    monkeypatch.setattr(uc.limits, "ensure_within_limits", over_limit)
    with pytest.raises(PackageLimitExceeded):
        await bench.call(uc.RegisterDevice, register(ana, person))
    assert seen["account_id"] == person.account_id and seen["adding"] == {"devices": 1}
    assert not bench.store.devices.items


async def test_updating_and_removing_need_the_right_to_manage(bench, family) -> None:
    person, ana, bruno, *_ = family
    device = await bench.device(person)
    with pytest.raises(Forbidden):
        await bench.call(uc.UpdateDevice, uc.UpdateDeviceCommand(bruno.id, device.id, name="x"))
    updated = await bench.call(uc.UpdateDevice, uc.UpdateDeviceCommand(
        ana.id, device.id, name="Tensiómetro cocina", config={"bp_high_systolic_at_least": 150}))
    assert updated.name == "Tensiómetro cocina"
    with pytest.raises(Forbidden):
        await bench.call(uc.RemoveDevice, uc.DeviceCommand(bruno.id, device.id))
    removed = await bench.call(uc.RemoveDevice, uc.DeviceCommand(ana.id, device.id))
    assert not removed.is_active
    with pytest.raises(Conflict):
        await bench.call(uc.RemoveDevice, uc.DeviceCommand(ana.id, device.id))


async def test_a_device_authenticates_with_its_own_key(bench, family) -> None:
    person, ana, *_ = family
    result = await bench.call(uc.RegisterDevice, register(ana, person))

    def telemetry(device_id: str, key: str, msg_id: str) -> HttpTelemetryCommand:
        return HttpTelemetryCommand(device_id, key, msg_id, "blood_pressure", BP_NORMAL)

    stored = await bench.call(IngestHttpTelemetry, telemetry("bp-1", result.api_key, "m-1"))
    assert [e.device_pk for e in stored.events] == [result.device.id]
    for device_id, key in [("bp-1", "wrong"), ("nobody", result.api_key)]:
        with pytest.raises(Unauthenticated):
            await bench.call(IngestHttpTelemetry, telemetry(device_id, key, "m-2"))
    await bench.call(uc.RemoveDevice, uc.DeviceCommand(ana.id, result.device.id))
    with pytest.raises(Unauthenticated):
        await bench.call(IngestHttpTelemetry, telemetry("bp-1", result.api_key, "m-3"))
    assert [e.msg_id for e in bench.events()] == ["m-1"]


async def test_moving_into_another_institution_passes_its_device_limit(bench, family,
                                                                       monkeypatch) -> None:
    """Within the account the usage does not change; the other institution's does."""
    from cuiot.application.safety.commands import device_lifecycle as lifecycle

    person, ana, *_ = family
    elsewhere = bench.person(ana, "Rosa")
    home = bench.institution(elsewhere, bench.user("Eva"))
    device = await bench.device(person)
    seen: list[dict] = []

    async def over_limit(uow, **kwargs):
        seen.append(kwargs)
        raise PackageLimitExceeded([{"dimension": "devices", "used": 5, "limit": 5}])

    monkeypatch.setattr(lifecycle.limits, "ensure_within_limits", over_limit)
    with pytest.raises(PackageLimitExceeded):
        await bench.call(lifecycle.MoveDevice, lifecycle.MoveDeviceCommand(
            ana.id, device.id, elsewhere.id))
    assert [(s["account_id"], s["institution_id"], s["adding"]) for s in seen] == [
        (None, home.id, {"devices": 1})]
    assert bench.fresh(device).cared_person_id == person.id
    back = bench.person(ana, "Julio")  # no institution: nothing to check
    moved = await bench.call(lifecycle.MoveDevice, lifecycle.MoveDeviceCommand(
        ana.id, device.id, back.id))
    assert moved.cared_person_id == back.id and len(seen) == 1
