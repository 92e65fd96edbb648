"""Commands to devices on SQLite and PostgreSQL: the repository (every field, dirty
checking, rollback, the expiry query and its row locks, the table's constraints) and the
use cases on the real unit of work, with a gateway that records what it publishes."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from cuiot.adapters.persistence.orm.safety import device_commands
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.devices import SqlDeviceViews
from cuiot.application.safety.commands import device_commands as uc
from cuiot.application.safety.queries.device_commands import (
    GetDeviceCommand,
    GetDeviceCommandQuery,
)
from cuiot.application.shared.queries import Viewer
from cuiot.domain.device_commands import CommandStatus, DeviceCommand
from cuiot.domain.errors import Forbidden, NotFound
from cuiot.domain.policy import DEFAULT_POLICY
from tests.fakes.device_commands import PublishedCommand, RecordingDeviceCommandGateway
from tests.fakes.system import FixedClock, SequentialIdGenerator
from tests.integration.test_safety_persistence import (
    NOW,
    a_device,
    a_person,
    a_user,
    state,
    store,
)
from tests.support.statements import statements

TIMEOUT = DEFAULT_POLICY.device_command_timeout


def a_command(device, requested_by, *, at=NOW, **fields: Any) -> DeviceCommand:
    command = DeviceCommand.issue(id=uuid4(), device=device,
                                  command=fields.pop("command", "reboot"),
                                  params=fields.pop("params", {}), requested_by=requested_by,
                                  now=at, policy=DEFAULT_POLICY)
    for name, value in fields.items():
        setattr(command, name, value)
    return command


@pytest.fixture
async def home(sql_uow):
    """Ana holds the account of Elena, whose meter is stored; Bruno is a member."""
    ana, bruno = a_user("Ana"), a_user("Bruno")
    elena = a_person(ana, member_ids={bruno.id})
    device = a_device(elena, f"bp-{uuid4().hex[:8]}")
    await store(sql_uow, ana, bruno, elena, device)
    return {"ana": ana, "bruno": bruno, "device": device}


async def add(sql_uow, *commands: DeviceCommand) -> None:
    async with sql_uow() as uow:
        for command in commands:
            await uow.device_commands.add(command)
        await uow.commit()


async def load(sql_uow, command_id: UUID) -> DeviceCommand | None:
    async with sql_uow() as uow:
        return await uow.device_commands.get(command_id)


# -- the repository ----------------------------------------------------------------------

async def test_round_trip_of_every_field(sql_uow, home):
    fresh = a_command(home["device"], home["ana"].id)
    late = a_command(home["device"], home["ana"].id, command="set_interval",
                     params={"seconds": 60, "nested": {"ok": [1, 2.5, "ñ"]}})
    late.mark_sent(NOW + timedelta(seconds=1))
    late.expire(late.timeout_at)
    late.record_reply(False, {"error": "busy", "code": 7}, late.timeout_at + timedelta(seconds=2))
    await add(sql_uow, fresh, late)
    loaded_fresh, loaded_late = await load(sql_uow, fresh.id), await load(sql_uow, late.id)
    assert state(loaded_fresh) == state(fresh) and loaded_fresh.status is CommandStatus.PENDING
    assert (loaded_fresh.sent_at, loaded_fresh.reply_ok, loaded_fresh.result) == (None, None, {})
    assert state(loaded_late) == state(late) and loaded_late.replied_late
    assert loaded_late.replied_at.tzinfo is not None and loaded_late.reply_ok is False


async def test_changes_are_saved_at_commit_and_undone_by_rollback(sql_uow, home):
    command = a_command(home["device"], home["ana"].id)
    await add(sql_uow, command)
    async with sql_uow() as uow:
        (await uow.device_commands.get(command.id)).mark_sent(NOW)
        await uow.commit()
    async with sql_uow() as uow:  # not committed: nothing changes
        (await uow.device_commands.get(command.id)).record_reply(True, {"a": 1}, NOW)
        await uow.device_commands.add(a_command(home["device"], home["ana"].id))
    stored = await load(sql_uow, command.id)
    assert (stored.status, stored.sent_at, stored.result) == (CommandStatus.SENT, NOW, {})
    async with sql_uow() as uow:
        due = await uow.device_commands.list_expired(NOW + timedelta(days=1))
        assert [c.id for c in due] == [command.id]  # the command added was rolled back


async def test_what_is_loaded_and_not_changed_is_not_written(sql_uow, home, engine):
    command = a_command(home["device"], home["ana"].id, params={"nested": {"a": [1]}})
    await add(sql_uow, command)
    async with sql_uow() as uow:
        device = await uow.devices.get(home["device"].id)
        loaded = await uow.device_commands.get(command.id)
        assert (device.config, loaded.params) == ({}, {"nested": {"a": [1]}})
        with statements(engine) as run:
            await uow.commit()
    assert run.writes() == []
    async with sql_uow() as uow:
        (await uow.device_commands.get(command.id)).mark_sent(NOW)
        with statements(engine) as run:
            await uow.commit()
    assert len(run.writes()) == 1 and run.writes()[0].lstrip().upper().startswith("UPDATE")


async def test_expired_are_the_unanswered_past_their_deadline_oldest_first(sql_uow, home):
    device, ana = home["device"], home["ana"].id
    second = a_command(device, ana, at=NOW + timedelta(seconds=5))
    first = a_command(device, ana)
    first.mark_sent(NOW)
    answered = a_command(device, ana)
    answered.record_reply(True, {}, NOW)
    future = a_command(device, ana, at=NOW + timedelta(minutes=10))
    await add(sql_uow, second, first, answered, future)
    async with sql_uow() as uow:
        due = await uow.device_commands.list_expired(NOW + TIMEOUT + timedelta(seconds=5))
        assert [c.id for c in due] == [first.id, second.id]
        assert [c.id for c in await uow.device_commands.list_expired(
            NOW + TIMEOUT + timedelta(seconds=5), limit=1)] == [first.id]
        assert await uow.device_commands.list_expired(NOW + TIMEOUT - timedelta(seconds=1)) == []


async def test_a_worker_skips_the_commands_another_one_holds(sql_uow, home, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: there is nothing to skip")
    command = a_command(home["device"], home["ana"].id)
    await add(sql_uow, command)
    later = NOW + TIMEOUT
    async with sql_uow() as first:
        assert len(await first.device_commands.list_expired(later)) == 1
        async with sql_uow() as second:
            assert await asyncio.wait_for(second.device_commands.list_expired(later), 5) == []


@pytest.mark.parametrize("bad", [
    {"status": "lost"}, {"status": "completed"}, {"status": "sent"},
    {"reply_ok": True}, {"command": "  "}, {"timeout_at": NOW - timedelta(seconds=1)},
])
async def test_the_database_refuses_an_impossible_command(sql_uow, home, bad):
    command = a_command(home["device"], home["ana"].id)
    row = {**{c.key: getattr(command, c.key) for c in device_commands.columns}, **bad}
    async with sql_uow() as uow:
        with pytest.raises(IntegrityError):
            await uow.connection.execute(insert(device_commands).values(**row))


# -- the use cases on the real unit of work ----------------------------------------------

async def read_command(engine, reader, device_pk: UUID, command_id: UUID):
    """What ``reader`` sees of a command, through its query over the views."""
    async with ReadSide(engine).transaction() as conn:
        return await GetDeviceCommand(SqlDeviceViews(conn), clock=FixedClock(NOW))(
            GetDeviceCommandQuery(Viewer(reader.id), device_pk, command_id))


class Run:
    def __init__(self, sql_uow, gateway, engine=None) -> None:
        self.sql_uow, self.gateway, self.engine = sql_uow, gateway, engine
        self.clock, self.ids = FixedClock(NOW), SequentialIdGenerator()

    async def send(self, actor, device, command: str = "reboot") -> DeviceCommand:
        return await uc.SendDeviceCommand(self.sql_uow(), self.clock, self.ids, DEFAULT_POLICY,
                                          self.gateway)(
            uc.SendDeviceCommandCommand(actor.id, device.id, command, {"n": 1}))

    async def reply(self, device_id: str, command_id: str, ok: bool = True) -> DeviceCommand:
        return await uc.RecordCommandReply(self.sql_uow(), self.clock)(
            uc.RecordCommandReplyCommand(device_id, command_id, ok, {"done": ok}))

    async def expire(self) -> int:
        return await uc.ExpireDeviceCommands(self.sql_uow(), self.clock)()


async def test_sent_after_the_commit_answered_at_once_then_read_back(sql_uow, home, engine):
    seen_at_publish: list[CommandStatus] = []

    async def device_answers(sent: PublishedCommand) -> None:
        stored = await load(sql_uow, UUID(sent.command_id))  # another connection sees it
        seen_at_publish.append(stored.status)
        await run.reply(sent.device_id, sent.command_id)

    run = Run(sql_uow, RecordingDeviceCommandGateway(then=device_answers), engine)
    command = await run.send(home["ana"], home["device"])
    assert seen_at_publish == [CommandStatus.PENDING]
    assert command.status is CommandStatus.COMPLETED and command.sent_at == NOW
    got = await read_command(run.engine, home["bruno"], home["device"].id, command.id)
    assert {k: getattr(got, k) for k in state(command)} == state(command)
    assert got.result == {"done": True} and not got.replied_late


async def test_refusals_and_the_timeout_on_the_real_unit_of_work(sql_uow, home):
    run = Run(sql_uow, RecordingDeviceCommandGateway())
    with pytest.raises(Forbidden):
        await run.send(home["bruno"], home["device"])
    command = await run.send(home["ana"], home["device"])
    assert command.status is CommandStatus.SENT
    with pytest.raises(NotFound):
        await run.reply("someone-else", str(command.id))
    run.clock.advance(TIMEOUT)
    assert await run.expire() == 1 and await run.expire() == 0
    late = await run.reply(home["device"].device_id, str(command.id), ok=True)
    assert late.status is CommandStatus.TIMED_OUT and late.replied_late
    assert state(await load(sql_uow, command.id)) == state(late)
    assert run.gateway.published == [PublishedCommand(home["device"].device_id, str(command.id),
                                                      "reboot", {"n": 1})]


# -- reading a command back: the query over the views (moved from the use-case tests) ----

@pytest.mark.parametrize(("ok", "status"), [(True, CommandStatus.COMPLETED),
                                            (False, CommandStatus.FAILED)])
async def test_the_reply_ends_the_command_and_anyone_who_sees_the_device_reads_it(
        sql_uow, home, engine, ok, status):
    run = Run(sql_uow, RecordingDeviceCommandGateway(), engine)
    command = await run.send(home["ana"], home["device"])
    run.clock.advance(timedelta(seconds=2))
    done = await run.reply(home["device"].device_id, str(command.id), ok)
    assert (done.status, done.completed_at) == (status, run.clock.now())
    seen = await read_command(engine, home["bruno"], home["device"].id, command.id)
    assert seen.status is status and seen.reply_ok is ok


async def test_reading_a_command_checks_the_device_and_the_reader(sql_uow, home, engine):
    zoe = a_user("Zoe")
    marta = a_person(zoe, "Marta")
    other = a_device(marta, f"bp-{uuid4().hex[:8]}")
    await store(sql_uow, zoe, marta, other)
    command = a_command(home["device"], home["ana"].id)
    await add(sql_uow, command)
    for reader, device_pk, command_id in ((zoe, home["device"].id, command.id),
                                          (zoe, other.id, command.id),
                                          (home["ana"], home["device"].id, uuid4()),
                                          (home["ana"], other.id, command.id)):
        with pytest.raises(NotFound):
            await read_command(engine, reader, device_pk, command_id)


async def test_a_command_is_read_in_one_statement_without_a_lock(sql_uow, home, engine):
    command = a_command(home["device"], home["ana"].id)
    await add(sql_uow, command)
    with statements(engine) as run:
        seen = await read_command(engine, home["bruno"], home["device"].id, command.id)
    assert seen.id == command.id and seen.status is CommandStatus.PENDING
    assert len(run.queries()) == 1 and "FOR UPDATE" not in run.queries()[0].upper()
