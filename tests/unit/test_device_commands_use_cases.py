"""Sending commands to devices, their replies, reading them back and expiring them, on
in-memory adapters and a gateway that records what it publishes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from uuid import uuid4

import pytest

from cuiot.application.safety.commands import device_commands as uc
from cuiot.application.safety.commands.devices import DeviceCommand as DeviceRef
from cuiot.application.safety.commands.devices import RemoveDevice
from cuiot.domain.device_commands import NOT_DELIVERED, CommandStatus
from cuiot.domain.errors import Conflict, Forbidden, NotFound
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.users import Role
from tests.fakes.device_commands import PublishedCommand, RecordingDeviceCommandGateway
from tests.fakes.uow import InMemoryUnitOfWork
from tests.support.alerts import SafetyBench


@pytest.fixture
def gateway() -> RecordingDeviceCommandGateway:
    return RecordingDeviceCommandGateway()


@pytest.fixture
def bench(gateway) -> SafetyBench:
    bench = SafetyBench(policy=replace(DEFAULT_POLICY,
                                       device_command_timeout=timedelta(seconds=20)))
    bench.ports["command_gateway"] = gateway
    return bench


@pytest.fixture
async def home(bench):
    """Elena's blood-pressure meter; Ana holds the account, Bruno is a member, Rita the
    representative; a second meter belongs to Zoe's mother."""
    ana, bruno, rita, zoe = (bench.user(n) for n in ("Ana", "Bruno", "Rita", "Zoe"))
    elena = bench.person(ana, member_ids={bruno.id})
    bench.representative(elena, rita)
    marta = bench.person(zoe, "Marta")
    return {"device": await bench.device(elena, device_id="bp-elena"),
            "other": await bench.device(marta, device_id="bp-marta"),
            "ana": ana, "bruno": bruno, "rita": rita, "zoe": zoe}


def send(actor, device, command: str = "set_interval", **params) -> uc.SendDeviceCommandCommand:
    return uc.SendDeviceCommandCommand(actor.id, device.id, command, params or {"seconds": 60})


def reply(device, command_id, ok: bool = True, **result) -> uc.RecordCommandReplyCommand:
    return uc.RecordCommandReplyCommand(device.device_id, str(command_id), ok, result)


async def test_the_account_holder_sends_a_command_and_the_device_gets_it(bench, home,
                                                                         gateway) -> None:
    command = await bench.call(uc.SendDeviceCommand, send(home["ana"], home["device"]))
    assert gateway.published == [PublishedCommand("bp-elena", str(command.id), "set_interval",
                                                  {"seconds": 60})]
    stored = bench.store.device_commands.items[command.id]
    assert (stored.status, stored.sent_at, stored.requested_by) == (
        CommandStatus.SENT, bench.clock.now(), home["ana"].id)
    assert stored.timeout_at == bench.clock.now() + timedelta(seconds=20)
    assert stored.device_pk == home["device"].id


@pytest.mark.parametrize("who", ["rita", "admin"])
async def test_the_representative_and_admins_may_send(bench, home, who) -> None:
    actor = home["rita"] if who == "rita" else bench.user("Root", Role.ADMIN)
    command = await bench.call(uc.SendDeviceCommand, send(actor, home["device"], "reboot"))
    assert command.status is CommandStatus.SENT


async def test_a_member_may_not_and_a_stranger_is_told_it_does_not_exist(bench, home,
                                                                          gateway) -> None:
    with pytest.raises(Forbidden):
        await bench.call(uc.SendDeviceCommand, send(home["bruno"], home["device"]))
    with pytest.raises(NotFound):
        await bench.call(uc.SendDeviceCommand, send(home["zoe"], home["device"]))
    with pytest.raises(NotFound):
        await bench.call(uc.SendDeviceCommand, uc.SendDeviceCommandCommand(
            home["ana"].id, uuid4(), "reboot"))
    assert not gateway.published and not bench.store.device_commands.items


async def test_a_removed_device_takes_no_commands(bench, home, gateway) -> None:
    await bench.call(RemoveDevice, DeviceRef(home["ana"].id, home["device"].id))
    with pytest.raises(Conflict):
        await bench.call(uc.SendDeviceCommand, send(home["ana"], home["device"]))
    assert not gateway.published


async def test_a_command_the_broker_refuses_fails_at_once(bench, home, gateway) -> None:
    gateway.refuse = "connection refused"
    command = await bench.call(uc.SendDeviceCommand, send(home["ana"], home["device"]))
    stored = bench.store.device_commands.items[command.id]
    assert stored.status is CommandStatus.FAILED and command.status is CommandStatus.FAILED
    assert stored.result == {"error": NOT_DELIVERED, "detail": "connection refused"}


async def test_a_device_answering_at_once_finds_its_command_stored(bench, home,
                                                                   gateway) -> None:
    """Published after the commit: the reply, handled in another unit of work before the
    sender marks the command sent, completes it, and the sent mark does not undo that."""

    async def device_answers(sent: PublishedCommand) -> None:
        other_uow = InMemoryUnitOfWork(bench.store)
        await uc.RecordCommandReply(other_uow, bench.clock)(uc.RecordCommandReplyCommand(
            sent.device_id, sent.command_id, True, {"interval": 60}))

    gateway.then = device_answers
    command = await bench.call(uc.SendDeviceCommand, send(home["ana"], home["device"]))
    assert command.status is CommandStatus.COMPLETED and command.sent_at is not None
    assert command.result == {"interval": 60}


@pytest.mark.parametrize(("ok", "status"), [(True, CommandStatus.COMPLETED),
                                            (False, CommandStatus.FAILED)])
async def test_the_reply_ends_the_command(bench, home, ok, status) -> None:
    """Reading it back is a query: tests/integration/test_device_commands_persistence.py."""
    command = await bench.call(uc.SendDeviceCommand, send(home["ana"], home["device"]))
    bench.advance(seconds=2)
    done = await bench.call(uc.RecordCommandReply, reply(home["device"], command.id, ok, v=1))
    assert (done.status, done.result, done.completed_at) == (status, {"v": 1}, bench.clock.now())
    stored = bench.store.device_commands.items[command.id]
    assert stored.status is status and stored.reply_ok is ok


async def test_a_reply_for_an_unknown_or_another_devices_command_is_not_found(bench,
                                                                              home) -> None:
    command = await bench.call(uc.SendDeviceCommand, send(home["ana"], home["device"]))
    for wrong in (reply(home["other"], command.id), reply(home["device"], uuid4()),
                  reply(home["device"], "not-a-uuid"),
                  uc.RecordCommandReplyCommand("ghost-01", str(command.id), True)):
        with pytest.raises(NotFound):
            await bench.call(uc.RecordCommandReply, wrong)
    assert bench.store.device_commands.items[command.id].status is CommandStatus.SENT


async def test_unanswered_commands_time_out_at_their_deadline(bench, home) -> None:
    first = await bench.call(uc.SendDeviceCommand, send(home["ana"], home["device"]))
    bench.advance(seconds=5)
    second = await bench.call(uc.SendDeviceCommand, send(home["ana"], home["device"], "reboot"))
    answered = await bench.call(uc.SendDeviceCommand, send(home["ana"], home["device"]))
    await bench.call(uc.RecordCommandReply, reply(home["device"], answered.id))
    bench.advance(seconds=14.9)
    assert await bench.call(uc.ExpireDeviceCommands) == 0
    bench.advance(seconds=0.1)  # exactly 20 s after the first
    assert await bench.call(uc.ExpireDeviceCommands) == 1
    bench.advance(seconds=5)
    assert await bench.call(uc.ExpireDeviceCommands) == 1
    statuses = {c.id: c.status for c in bench.store.device_commands.all()}
    assert statuses == {first.id: CommandStatus.TIMED_OUT, second.id: CommandStatus.TIMED_OUT,
                        answered.id: CommandStatus.COMPLETED}


async def test_a_late_reply_is_kept_but_the_command_stays_timed_out(bench, home) -> None:
    command = await bench.call(uc.SendDeviceCommand, send(home["ana"], home["device"]))
    bench.advance(seconds=21)
    await bench.call(uc.ExpireDeviceCommands)
    late = await bench.call(uc.RecordCommandReply, reply(home["device"], command.id, done=True))
    assert late.status is CommandStatus.TIMED_OUT and late.replied_late
    assert late.result == {"done": True} and late.replied_at == bench.clock.now()


async def test_expiry_handles_a_limited_batch_oldest_deadline_first(bench, home) -> None:
    sent = []
    for _ in range(3):
        sent.append(await bench.call(uc.SendDeviceCommand, send(home["ana"], home["device"])))
        bench.advance(seconds=1)
    bench.advance(seconds=60)
    assert await bench.call(uc.ExpireDeviceCommands, uc.ExpireDeviceCommandsCommand(limit=2)) == 2
    left = [c.id for c in bench.store.device_commands.all() if c.awaiting_reply]
    assert left == [sent[2].id]


async def test_without_mqtt_a_command_fails_at_once_saying_so(bench, home) -> None:
    send_without_gateway = uc.SendDeviceCommand(bench.uow, bench.clock, bench.ids, bench.policy)
    command = await send_without_gateway(send(home["ana"], home["device"]))
    assert command.status is CommandStatus.FAILED
    assert command.result["error"] == NOT_DELIVERED and "MQTT is off" in command.result["detail"]
