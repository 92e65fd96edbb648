"""The Device entity: identity rules, config, keys, heartbeat and offline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from cuiot.domain.devices import Device, DeviceStatus, hash_api_key
from cuiot.domain.errors import Conflict, ValidationFailed
from cuiot.domain.policy import DEFAULT_POLICY as POLICY
from cuiot.domain.sensor_events import DeviceType

T0 = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)


def device(**fields) -> Device:
    values = {"id": UUID(int=1), "device_id": "bp-001", "name": "Tensiómetro",
              "device_type": DeviceType.BLOOD_PRESSURE, "cared_person_id": UUID(int=2),
              "api_key_hash": hash_api_key("secret"), "created_at": T0}
    return Device(**{**values, **fields})


def test_a_new_device_is_active_with_an_unknown_status() -> None:
    d = device()
    assert d.is_active and d.status is DeviceStatus.UNKNOWN
    assert d.last_seen_at is None and d.offline_due_at is None


@pytest.mark.parametrize("device_id", ["", "a/b", "a+b", "a#", "with space", "x" * 65, "-lead"])
def test_device_ids_must_be_safe_in_an_mqtt_topic(device_id) -> None:
    with pytest.raises(ValidationFailed):
        device(device_id=device_id)


def test_a_device_needs_a_name() -> None:
    with pytest.raises(ValidationFailed):
        device(name="  ")


@pytest.mark.parametrize("config", [
    {"colour": "red"}, {"heartbeat_s": 0}, {"heartbeat_s": 1.5}, {"heartbeat_s": True},
    {"bp_high_systolic_at_least": "150"}, {"gas_co_critical_ppm": -1},
])
def test_config_accepts_only_thresholds_and_a_heartbeat(config) -> None:
    with pytest.raises(ValidationFailed):
        device(config=config)


def test_config_with_thresholds_and_heartbeat() -> None:
    d = device(config={"bp_high_systolic_at_least": 150, "heartbeat_s": 60})
    assert d.heartbeat(POLICY) == timedelta(seconds=60)


def test_the_key_is_checked_against_its_hash() -> None:
    d = device()
    assert d.verify_key("secret") and not d.verify_key("Secret")
    assert d.api_key_hash == hash_api_key("secret") and len(d.api_key_hash) == 64


def test_being_seen_makes_it_online_and_schedules_offline_after_three_heartbeats() -> None:
    d = device()
    d.mark_seen(T0, POLICY)
    assert d.status is DeviceStatus.ONLINE
    assert d.offline_due_at == T0 + timedelta(minutes=15)
    assert not d.is_offline_due(T0 + timedelta(minutes=15) - timedelta(seconds=1))
    assert d.is_offline_due(T0 + timedelta(minutes=15))


def test_an_older_message_does_not_move_last_seen_back() -> None:
    d = device()
    d.mark_seen(T0, POLICY)
    d.mark_seen(T0 - timedelta(minutes=3), POLICY)
    assert d.last_seen_at == T0


def test_a_device_own_heartbeat_shortens_the_wait() -> None:
    d = device(config={"heartbeat_s": 60})
    d.mark_seen(T0, POLICY)
    assert d.offline_due_at == T0 + timedelta(minutes=3)
    d.announce_heartbeat(600, POLICY)
    assert d.offline_due_at == T0 + timedelta(minutes=30)


def test_going_offline_happens_once() -> None:
    d = device()
    d.mark_seen(T0, POLICY)
    assert d.mark_offline() is True
    assert d.mark_offline() is False
    assert d.status is DeviceStatus.OFFLINE and not d.is_offline_due(T0 + timedelta(days=1))


def test_update_changes_only_what_is_given() -> None:
    d = device(location="dormitorio")
    d.update(POLICY, name="Nuevo")
    assert (d.name, d.location) == ("Nuevo", "dormitorio")
    d.update(POLICY, config={"heartbeat_s": 30})
    assert d.config == {"heartbeat_s": 30}


def test_battery_is_kept_as_a_whole_percentage() -> None:
    d = device()
    d.report_battery(Decimal("85.7"))
    assert d.battery_level == 85


def test_removing_deactivates_once() -> None:
    d = device()
    d.deactivate()
    assert not d.is_active
    with pytest.raises(Conflict):
        d.deactivate()


def test_a_stored_absurd_heartbeat_is_capped_without_overflowing():
    from datetime import timedelta

    from cuiot.domain.policy import DEFAULT_POLICY

    device = _a_device_for_heartbeat_tests()
    device.config["heartbeat_s"] = 10**30  # as if written before the maximum existed
    assert device.heartbeat(DEFAULT_POLICY) == timedelta(hours=24)


def _a_device_for_heartbeat_tests():
    from datetime import datetime
    from uuid import uuid4

    from cuiot.domain.devices import Device, DeviceType

    return Device(id=uuid4(), device_id="bp-1", name="BP", device_type=DeviceType.BLOOD_PRESSURE,
                  cared_person_id=uuid4(), api_key_hash="0" * 64,
                  created_at=datetime(2026, 1, 15, tzinfo=UTC))


# --- reactivated, moved, re-keyed; one active holder per device_id ---------------------

def _person(pk: int, account: int = 7):
    from cuiot.domain.care import CaredPerson

    return CaredPerson(id=UUID(int=pk), account_id=UUID(int=account), first_name="Elena",
                       last_name="Gómez", date_of_birth=None, created_at=T0)


def test_a_removed_device_comes_back_unknown_with_its_key() -> None:
    d = device()
    d.mark_seen(T0, POLICY)
    with pytest.raises(Conflict):
        d.reactivate()  # it is active
    d.deactivate()
    d.reactivate()
    assert d.is_active and d.status is DeviceStatus.UNKNOWN and d.offline_due_at is None
    assert d.verify_key("secret")


def test_a_device_moves_only_while_active_to_another_person_of_its_account() -> None:
    elena, rosa, marta = _person(2), _person(3), _person(4, account=8)
    d = device()
    with pytest.raises(ValidationFailed):
        d.move(elena, marta)
    with pytest.raises(Conflict):
        d.move(elena, elena)
    d.move(elena, rosa)
    assert d.cared_person_id == rosa.id
    d.deactivate()
    with pytest.raises(Conflict):
        d.move(rosa, elena)


def test_a_new_key_replaces_the_old_one_at_once() -> None:
    d = device()
    d.rekey("another")
    assert d.verify_key("another") and not d.verify_key("secret")


def test_a_device_id_names_its_active_device_else_the_last_registered() -> None:
    from cuiot.domain.devices import holder_of

    old = device(id=UUID(int=10), is_active=False)
    older = device(id=UUID(int=11), is_active=False, created_at=T0 - timedelta(days=9))
    new = device(id=UUID(int=12), created_at=T0 - timedelta(days=1))
    assert holder_of([old, new, older]) is new
    assert holder_of([older, old]) is old
    assert holder_of([]) is None
