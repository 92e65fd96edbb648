"""A command to a device: its deadline, and how replies, delivery and timeouts end it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from cuiot.domain.device_commands import NOT_DELIVERED, CommandStatus, DeviceCommand
from cuiot.domain.devices import Device, hash_api_key
from cuiot.domain.errors import InvalidStateTransition, ValidationFailed
from cuiot.domain.policy import DEFAULT_POLICY, Policy
from cuiot.domain.sensor_events import DeviceType

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
LATER = NOW + timedelta(seconds=3)


def a_device(**fields) -> Device:
    return Device(id=uuid4(), device_id="bp-1", name="Tensiómetro",
                  device_type=DeviceType.BLOOD_PRESSURE, cared_person_id=uuid4(),
                  api_key_hash=hash_api_key("k"), created_at=NOW, **fields)


def a_command(policy: Policy = DEFAULT_POLICY, **fields) -> DeviceCommand:
    return DeviceCommand.issue(id=uuid4(), device=fields.pop("device", a_device()),
                               command=fields.pop("command", "set_interval"),
                               params=fields.pop("params", {"seconds": 60}),
                               requested_by=uuid4(), now=NOW, policy=policy)


def test_a_new_command_is_pending_and_due_back_within_the_policy_timeout() -> None:
    command = a_command()
    assert command.status is CommandStatus.PENDING and command.awaiting_reply
    assert command.timeout_at == NOW + timedelta(seconds=30)
    assert a_command(Policy(device_command_timeout=timedelta(seconds=5))).timeout_at == (
        NOW + timedelta(seconds=5))
    assert (command.sent_at, command.completed_at, command.result) == (None, None, {})


def test_a_removed_device_takes_no_commands() -> None:
    device = a_device()
    device.deactivate()
    with pytest.raises(InvalidStateTransition):
        a_command(device=device)


@pytest.mark.parametrize("name", ["", "9lives", "re boot", "a/b", "x" * 65, "#"])
def test_a_command_name_must_be_safe(name: str) -> None:
    with pytest.raises(ValidationFailed):
        a_command(command=name)


@pytest.mark.parametrize("params", [[1, 2], "x", {1: "a"}])
def test_params_must_be_an_object(params) -> None:
    with pytest.raises(ValidationFailed):
        a_command(params=params)


def test_sent_once_the_broker_has_it() -> None:
    command = a_command()
    command.mark_sent(LATER)
    assert (command.status, command.sent_at) == (CommandStatus.SENT, LATER)


@pytest.mark.parametrize(("ok", "status"), [(True, CommandStatus.COMPLETED),
                                            (False, CommandStatus.FAILED)])
def test_the_reply_completes_or_fails_it(ok: bool, status: CommandStatus) -> None:
    command = a_command()
    command.mark_sent(NOW)
    assert command.record_reply(ok, {"interval": 60}, LATER)
    assert (command.status, command.result, command.reply_ok) == (status, {"interval": 60}, ok)
    assert command.completed_at == command.replied_at == LATER and not command.replied_late


def test_a_reply_before_the_sent_mark_is_not_undone_by_it() -> None:
    command = a_command()
    command.record_reply(True, {}, NOW)
    command.mark_sent(LATER)
    assert (command.status, command.sent_at) == (CommandStatus.COMPLETED, LATER)


def test_a_repeated_reply_changes_nothing() -> None:
    command = a_command()
    command.record_reply(True, {"n": 1}, NOW)
    assert not command.record_reply(False, {"n": 2}, LATER)
    assert (command.status, command.result, command.replied_at) == (
        CommandStatus.COMPLETED, {"n": 1}, NOW)


def test_a_reply_result_must_be_an_object() -> None:
    with pytest.raises(ValidationFailed):
        a_command().record_reply(True, ["x"], NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize(("after", "expires"), [(29, False), (30, True), (31, True)])
def test_unanswered_it_times_out_at_its_deadline(after: int, expires: bool) -> None:
    command = a_command()
    command.mark_sent(NOW)
    at = NOW + timedelta(seconds=after)
    assert command.expire(at) is expires
    assert command.status is (CommandStatus.TIMED_OUT if expires else CommandStatus.SENT)
    assert command.completed_at == (at if expires else None)


def test_an_answered_command_never_times_out() -> None:
    command = a_command()
    command.record_reply(True, {}, NOW)
    assert not command.is_expired(NOW + timedelta(hours=1))
    assert not command.expire(NOW + timedelta(hours=1))
    assert command.status is CommandStatus.COMPLETED


def test_a_late_reply_is_kept_but_the_command_stays_timed_out() -> None:
    command = a_command()
    deadline = command.timeout_at
    command.expire(deadline)
    assert command.record_reply(True, {"rebooted": True}, deadline + timedelta(seconds=5))
    assert command.status is CommandStatus.TIMED_OUT and command.replied_late
    assert (command.result, command.reply_ok, command.completed_at) == (
        {"rebooted": True}, True, deadline)


def test_a_command_the_broker_refused_fails_at_once() -> None:
    command = a_command()
    command.mark_not_delivered(LATER, "broker unreachable")
    assert command.status is CommandStatus.FAILED and command.completed_at == LATER
    assert command.result == {"error": NOT_DELIVERED, "detail": "broker unreachable"}
    answered = a_command()
    answered.record_reply(True, {"ok": 1}, NOW)
    answered.mark_not_delivered(LATER, "late error")
    assert (answered.status, answered.result) == (CommandStatus.COMPLETED, {"ok": 1})
