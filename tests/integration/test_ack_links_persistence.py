"""Acknowledgement links on SQLite and PostgreSQL: stored as hashes, found by secret or by
an SMS reply's key while open, a phone's codes kept apart (the links added in the same
unit of work too), a newer link of the same recipient seen, and the acknowledgement's
channel and recipient kept on the alert."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import inspect, select, text

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.migrate import upgrade
from cuiot.adapters.persistence.orm.ack_links import acknowledgement_links
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.domain.ack_links import AckLink, reply_key
from cuiot.domain.alerts import Alert
from cuiot.domain.auth import hash_token
from cuiot.domain.errors import Conflict
from cuiot.domain.notifications import Channel
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import Severity
from tests.integration.test_caregiver_consent import downgrade, own_database  # noqa: F401
from tests.integration.test_safety_persistence import NOW, a_device, a_person, a_user, store
from tests.support.databases import in_thread

PHONE = "+54 11 5555-0001"


async def an_alert(sql_uow) -> Alert:
    ana = a_user()
    person = a_person(ana)
    device = a_device(person)
    alert = Alert.open(id=uuid4(), cared_person_id=person.id, device_pk=device.id,
                       alert_type="blood_pressure", severity=Severity.CRITICAL, at=NOW,
                       policy=DEFAULT_POLICY)
    await store(sql_uow, ana, person, device, alert)
    return alert


@pytest.fixture
async def alert(sql_uow) -> Alert:
    return await an_alert(sql_uow)


def a_link(alert: Alert, token: str, *, code: str | None = "482913",
           at: Any = NOW, recipient: str = PHONE) -> AckLink:
    return AckLink.issue(id=uuid4(), alert=alert, channel=Channel.SMS, recipient=recipient,
                         user_id=None, token=token, code=code, now=at)


async def added(sql_uow, *links: AckLink) -> None:
    async with sql_uow() as uow:
        for link in links:
            await uow.ack_links.add(link)
        await uow.commit()


async def test_a_link_is_found_by_its_secret_and_an_open_one_by_its_reply(sql_uow, alert):
    link = a_link(alert, "tok-1")
    await added(sql_uow, link)
    async with sql_uow() as uow:
        rows = (await uow.connection.execute(select(acknowledgement_links))).mappings().all()
        assert [r["token_hash"] for r in rows] == [hash_token("tok-1")]
        assert "tok-1" not in str(rows) and "482913" not in str(rows)
        found = await uow.ack_links.get_by_token_hash(hash_token("tok-1"))
        assert found is not None and found.id == link.id
        assert await uow.ack_links.get_by_token_hash(hash_token("tok-2")) is None
        key = reply_key("+541155550001", "482913")
        assert (await uow.ack_links.get_open_by_reply_key(key, NOW)).id == link.id
        assert await uow.ack_links.get_open_by_reply_key(key, link.expires_at) is None
        assert await uow.ack_links.code_in_use(key, NOW)
        assert not await uow.ack_links.code_in_use(key, link.expires_at)
        found.used_at = NOW
        await uow.commit()
    async with sql_uow() as uow:
        assert await uow.ack_links.get_open_by_reply_key(key, NOW) is None
        assert not await uow.ack_links.code_in_use(key, NOW)


async def test_codes_added_in_the_same_unit_of_work_count_as_taken(sql_uow, alert):
    async with sql_uow() as uow:
        await uow.ack_links.add(a_link(alert, "tok-1"))
        assert await uow.ack_links.code_in_use(reply_key(PHONE, "482913"), NOW)
        assert not await uow.ack_links.code_in_use(reply_key("+54 11 5555-0002", "482913"),
                                                   NOW)


async def test_a_newer_link_to_the_same_recipient_is_seen(sql_uow, alert):
    old, other = a_link(alert, "tok-1"), a_link(alert, "tok-2", recipient="+54 11 5555-0002")
    newer = a_link(alert, "tok-3", at=NOW + timedelta(minutes=1), code="111111")
    await added(sql_uow, old, other)
    async with sql_uow() as uow:
        assert not await uow.ack_links.has_newer(old)
    await added(sql_uow, newer)
    async with sql_uow() as uow:
        assert await uow.ack_links.has_newer(old) and not await uow.ack_links.has_newer(other)


async def test_a_secret_is_stored_once(sql_uow, alert):
    await added(sql_uow, a_link(alert, "tok-1"))
    with pytest.raises(Conflict):
        await added(sql_uow, a_link(alert, "tok-1", code="111111"))


async def test_the_acknowledgement_keeps_its_channel_and_recipient(sql_uow, alert):
    async with sql_uow() as uow:
        held = await uow.alerts.get(alert.id)
        held.acknowledge(None, NOW, via="sms", recipient=PHONE)
        await uow.commit()
    async with sql_uow() as uow:
        loaded = await uow.alerts.get(alert.id)
        assert (loaded.acknowledged_by, loaded.acknowledged_via,
                loaded.acknowledged_recipient) == (None, "sms", PHONE)


async def test_0009_goes_down_and_up_again(own_database: str) -> None:
    """Down to 0008, the links and the two columns go (the alert stays, acknowledged);
    up again, the alert reads as acknowledged in CUIOT itself."""
    engine = create_engine(own_database)

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(engine)

    try:
        alert = await an_alert(uow)
        async with uow() as held:
            (await held.alerts.get(alert.id)).acknowledge(None, NOW, via="sms", recipient=PHONE)
            await held.ack_links.add(a_link(alert, "tok-1"))
            await held.commit()
        await engine.dispose()
        in_thread(downgrade, own_database, "0008")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            columns = await conn.run_sync(lambda c: {col["name"] for col in
                                                     inspect(c).get_columns("alerts")})
            status = (await conn.execute(text("SELECT status FROM alerts"))).scalar_one()
        assert "acknowledgement_links" not in tables and status == "acknowledged"
        assert not {"acknowledged_via", "acknowledged_recipient"} & columns
        await engine.dispose()
        in_thread(upgrade, own_database)
        async with uow() as again:
            loaded = await again.alerts.get(alert.id)
            assert (loaded.acknowledged_at, loaded.acknowledged_via) == (NOW, None)
    finally:
        await engine.dispose()
