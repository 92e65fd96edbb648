"""Device messages through their use cases on in-memory adapters: stored, seen before,
or refused and kept with the reason and the raw payload — never raised."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from cuiot.application.safety.commands import device_commands
from cuiot.application.safety.commands import device_messages as uc
from cuiot.application.safety.commands.devices import DeviceCommand, RemoveDevice
from cuiot.application.safety.commands.ingest import DUPLICATE, STORED, IngestDeviceEventCommand
from cuiot.application.safety.commands.ingest import IngestReadingCommand as Reading
from cuiot.application.safety.commands.monitoring import RecordDeviceStatusCommand
from cuiot.domain.device_commands import CommandStatus
from cuiot.domain.devices import DeviceStatus
from cuiot.domain.policy import DEFAULT_POLICY
from tests.fakes.device_commands import RecordingDeviceCommandGateway
from tests.fakes.uow import InMemoryUnitOfWork
from tests.support.alerts import BP_CRITICAL, BP_NORMAL, SafetyBench

IMPOSSIBLE = {"systolic": 80, "diastolic": 90, "pulse": 70}


@pytest.fixture
def bench() -> SafetyBench:
    bench = SafetyBench(policy=replace(DEFAULT_POLICY, device_command_timeout=timedelta(60)))
    bench.ports["command_gateway"] = RecordingDeviceCommandGateway()
    return bench


@pytest.fixture
async def scene(bench):
    ana = bench.user("Ana")
    elena = bench.person(ana)
    bench.representative(elena, ana)
    return ana, await bench.device(elena, device_id="bp-1"), await bench.device(
        elena, "panic_button", device_id="panic-1")


def message(body, kind: str = "telemetry") -> uc.DeviceMessageCommand:
    raw = json.dumps({"as": "sent", "msg_id": getattr(body, "msg_id", None)}).encode()
    return uc.DeviceMessageCommand(f"cuiot/devices/{body.device_id}/{kind}", raw, body)


def kept(bench: SafetyBench) -> list[tuple[str, str, str | None]]:
    return [(m.reason, m.topic, m.device_id) for m in bench.store.rejected_messages.all()]


async def test_a_reading_is_stored_once_and_a_repeat_is_a_duplicate(bench, scene):
    cmd = message(Reading("bp-1", "m-1", "blood_pressure", BP_CRITICAL))
    assert await bench.call(uc.IngestTelemetryMessage, cmd) == uc.MessageOutcome(STORED)
    repeat = await bench.call(uc.IngestTelemetryMessage, cmd)
    assert (repeat.outcome, repeat.accepted) == (DUPLICATE, True)
    assert len(bench.events()) == 1 and bench.alert().occurrences == 1 and kept(bench) == []


async def test_an_impossible_reading_is_kept_with_its_reason_and_raw_payload(bench, scene):
    cmd = message(Reading("bp-1", "m-1", "blood_pressure", IMPOSSIBLE))
    outcome = await bench.call(uc.IngestTelemetryMessage, cmd)
    assert (outcome.outcome, outcome.reason, outcome.accepted) == (
        uc.REJECTED, "invalid_reading", False)
    assert "systolic" in outcome.detail and bench.events() == []
    [rejected] = bench.store.rejected_messages.all()
    assert (rejected.source, rejected.topic, rejected.device_id, rejected.payload) == (
        "mqtt", "cuiot/devices/bp-1/telemetry", "bp-1", cmd.raw.decode())
    assert rejected.received_at == bench.clock.now()


async def test_unknown_and_removed_devices_are_kept_as_unknown_device(bench, scene):
    ana, bp, _ = scene
    await bench.call(uc.IngestTelemetryMessage, message(Reading("ghost", "m-1", "x", {})))
    await bench.call(RemoveDevice, DeviceCommand(ana.id, bp.id))
    await bench.call(uc.IngestTelemetryMessage, message(
        Reading("bp-1", "m-2", "blood_pressure", BP_NORMAL)))
    assert kept(bench) == [("unknown_device", "cuiot/devices/ghost/telemetry", "ghost"),
                           ("unknown_device", "cuiot/devices/bp-1/telemetry", "bp-1")]


async def test_device_events_are_stored_or_refused(bench, scene):
    pressed = await bench.call(uc.IngestEventMessage, message(
        IngestDeviceEventCommand("panic-1", "p-1", "pressed"), "events"))
    wrong = await bench.call(uc.IngestEventMessage, message(
        IngestDeviceEventCommand("panic-1", "p-2", "fall"), "events"))
    assert (pressed.outcome, wrong.reason) == (STORED, "invalid_reading")
    assert bench.alert().alert_type == "panic_pressed"
    assert kept(bench) == [("invalid_reading", "cuiot/devices/panic-1/events", "panic-1")]


async def test_a_status_reaches_the_device_and_a_strange_one_is_kept(bench, scene):
    _, bp, _ = scene
    online = RecordDeviceStatusCommand("bp-1", "online", heartbeat_s=60)
    assert (await bench.call(uc.RecordStatusMessage, message(online, "status"))).accepted
    offline = message(RecordDeviceStatusCommand("bp-1", "offline"), "status")
    for _ in range(2):  # the retained copy, a redelivery: still one offline event
        assert (await bench.call(uc.RecordStatusMessage, offline)).outcome == STORED
    stored = bench.fresh(bp)
    assert (stored.status, stored.config) == (DeviceStatus.OFFLINE, {"heartbeat_s": 60})
    assert bench.alert().alert_type == "device_offline"
    for strange in (RecordDeviceStatusCommand("bp-1", "asleep"),
                    RecordDeviceStatusCommand("bp-1", "online", heartbeat_s=0)):
        outcome = await bench.call(uc.RecordStatusMessage, message(strange, "status"))
        assert outcome.reason == "invalid_reading"
    assert len(kept(bench)) == 2


async def test_a_reply_completes_its_command_and_an_unknown_one_is_kept(bench, scene):
    ana, bp, _ = scene
    command = await bench.call(device_commands.SendDeviceCommand,
                               device_commands.SendDeviceCommandCommand(ana.id, bp.id, "reboot"))
    reply = uc.CommandReply("bp-1", str(command.id), True, {"uptime": 0})
    outcome = await bench.call(uc.RecordReplyMessage, message(reply, "commands/reply"))
    assert outcome.outcome == STORED
    stored = bench.fresh(command)
    assert (stored.status, stored.result) == (CommandStatus.COMPLETED, {"uptime": 0})
    stray = uc.CommandReply("bp-1", "not-a-command", False)
    outcome = await bench.call(uc.RecordReplyMessage, message(stray, "commands/reply"))
    assert outcome.reason == "unknown_device_command"


async def test_a_message_that_could_not_be_read_is_kept(bench):
    outcome = await bench.call(uc.RejectDeviceMessage, uc.RejectDeviceMessageCommand(
        "cuiot/devices/bp-1/telemetry", b"{not json\xff", "invalid_json", "Expecting value",
        "bp-1"))
    assert (outcome.outcome, outcome.reason) == (uc.REJECTED, "invalid_json")
    [rejected] = bench.store.rejected_messages.all()
    assert (rejected.payload, rejected.detail) == ("{not json\\xff", "Expecting value")


class DownUnitOfWork(InMemoryUnitOfWork):
    async def _commit(self) -> None:
        raise ConnectionRefusedError("database down")


async def test_a_failure_that_is_not_the_messages_fault_is_raised_not_kept(bench, scene):
    use_case = uc.IngestTelemetryMessage(DownUnitOfWork(bench.store), bench.clock, bench.ids,
                                         bench.policy)
    with pytest.raises(ConnectionRefusedError):
        await use_case(message(Reading("bp-1", "m-1", "blood_pressure", BP_NORMAL)))
    assert bench.events() == [] and kept(bench) == []
