"""How responders are reached, and what they need to know, stored on SQLite and
PostgreSQL: a user's channels, SMS number and phones come back as they were chosen (a
phone removed is a row deleted), a cared person's responder information as it was written
(nothing written down is SQL NULL), an outbox row keeps whom it was for; and migration
0010 leaves the users already stored with email and push."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.migrate import upgrade
from cuiot.adapters.persistence.orm.care import cared_persons
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.domain.care import ResponderInfo
from cuiot.domain.errors import Conflict
from cuiot.domain.notifications import Channel
from cuiot.domain.responders import ChannelChoice, PushToken
from tests.integration.test_caregiver_consent import downgrade, own_database
from tests.integration.test_dispatch_webhook import a_hook
from tests.integration.test_safety_persistence import NOW, a_person, a_user, store
from tests.support.databases import in_thread
from tests.support.statements import statements

__all__ = ["own_database"]  # a database the migration test may downgrade


async def test_channels_and_phones_come_back_as_chosen(sql_uow, engine):
    lucia = a_user("Lucia")
    lucia.choose_channels(ChannelChoice(email=False, sms=True, push=True), "+54 11 5555-0102")
    first = lucia.register_push_token(PushToken(uuid4(), "token-1", NOW, "Teléfono"))
    lucia.register_push_token(PushToken(uuid4(), "token-2", NOW + timedelta(seconds=1)))
    await store(sql_uow, lucia)
    async with sql_uow() as uow:
        stored = await uow.users.get(lucia.id)
        assert (stored.channels, stored.sms_number) == (
            ChannelChoice(email=False, sms=True, push=True), "+541155550102")
        assert [(t.token, t.label) for t in stored.push_tokens] == [
            ("token-1", "Teléfono"), ("token-2", None)]
        assert stored.alert_addresses() == [(Channel.SMS, "+541155550102"),
                                            (Channel.PUSH, "token-1"), (Channel.PUSH, "token-2")]
        with statements(engine) as run:
            stored.remove_push_token(first.id)
            await uow.commit()
    assert [w.split()[:3] for w in run.writes()] == [["DELETE", "FROM", "push_tokens"]]
    async with sql_uow() as uow:
        assert [t.token for t in (await uow.users.get(lucia.id)).push_tokens] == ["token-2"]


async def test_one_phone_is_registered_once_per_user(sql_uow):
    lucia, tito = a_user("Lucia"), a_user("Tito")
    lucia.register_push_token(PushToken(uuid4(), "shared-tablet", NOW))
    tito.register_push_token(PushToken(uuid4(), "shared-tablet", NOW))  # another user: fine
    await store(sql_uow, lucia, tito)
    with pytest.raises(Conflict):  # two requests at once: the second is told so
        async with sql_uow() as uow:
            stored = await uow.users.get(lucia.id)
            stored.push_tokens.append(PushToken(uuid4(), "shared-tablet", NOW))  # past the rule
            await uow.commit()


async def test_what_a_responder_needs_comes_back_as_written(sql_uow, engine):
    holder = a_user()
    written, empty = a_person(holder, "Elena"), a_person(holder, "Rosa")
    written.change_care(responder_info=ResponderInfo(
        address="Av. Rivadavia 1234", conditions=("Parkinson", "diabetes"),
        medications=("Levodopa 250 mg",), doctor_name="Dra. Paz", doctor_phone="4555-0000"))
    await store(sql_uow, holder, written, empty)
    async with sql_uow() as uow:
        assert (await uow.cared_persons.get(written.id)).responder_info == \
            written.responder_info
        assert (await uow.cared_persons.get(empty.id)).responder_info == ResponderInfo()
    async with engine.connect() as conn:
        unset = dict((await conn.execute(select(
            cared_persons.c.id, cared_persons.c.responder_info.is_(None)))).all())
    assert unset == {written.id: False, empty.id: True}


async def test_an_outbox_row_keeps_whom_it_was_for(sql_uow):
    row = a_hook("+54 11 5555-0102", channel=Channel.SMS, recipient_name="Fer")
    await store(sql_uow, row)
    async with sql_uow() as uow:
        assert (await uow.notifications.get(row.id)).recipient_name == "Fer"


async def test_0010_leaves_the_users_stored_before_with_email_and_push(own_database: str):
    before = a_user("Lucia")
    engine = create_engine(own_database)
    try:
        in_thread(downgrade, own_database, "0009")
        async with engine.begin() as conn:  # a user as 0009 stored one
            await conn.execute(text(
                "INSERT INTO users (id, email, password_hash, first_name, last_name, "
                "capacity_status, is_active, created_at) VALUES (:id, 'lucia@example.com', "
                "'h', 'Lucía', 'Paz', 'full', true, :now)"),
                {"id": before.id if "postgresql" in own_database else before.id.hex,
                 "now": NOW})
        await engine.dispose()
        in_thread(upgrade, own_database)
        async with SqlAlchemyUnitOfWork(engine) as uow:
            stored = await uow.users.get(before.id)
            assert (stored.channels, stored.sms_number, stored.push_tokens) == (
                ChannelChoice(), None, [])
    finally:
        await engine.dispose()


async def test_the_database_refuses_sms_without_a_number(sql_uow, engine, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's checks are the domain's (migration 0010 says why)")
    lucia = a_user("Lucia")
    await store(sql_uow, lucia)
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE users SET alert_by_sms = true WHERE id = :id"),
                               {"id": lucia.id})
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE users SET alert_by_email = false, "
                                    "alert_by_push = false WHERE id = :id"), {"id": lucia.id})
