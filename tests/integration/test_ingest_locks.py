"""An ingest batch holds its devices from the moment it reads them, in id order, until it
commits: whoever else holds several devices (a coverage pass, another batch) takes them
in the same order, so two of them never wait for each other in a cycle. SQLite is
skipped: it lets one writer in at a time (BEGIN IMMEDIATE), so no two hold rows at once."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.integration.test_safety_persistence import a_device, a_person, a_user, store


@pytest.fixture(autouse=True)
def postgres_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): no two batches at once")


async def test_a_batch_holds_the_devices_it_read_until_it_commits(sql_uow, engine):
    ana = a_user("Ana")
    elena = a_person(ana)
    held, free = a_device(elena, "bp-1"), a_device(elena, "bp-2")
    await store(sql_uow, ana, elena, held, free)
    lock = text("SELECT id FROM devices WHERE id = :id FOR NO KEY UPDATE NOWAIT")
    async with sql_uow() as uow:
        found = await uow.ingest.devices_by_device_id([held.device_id])
        assert set(found) == {held.device_id}
        async with engine.connect() as other:
            with pytest.raises(DBAPIError, match="could not obtain lock"):
                await other.execute(lock, {"id": held.id})
            await other.rollback()
            await other.execute(lock, {"id": free.id})  # only what the batch read
            await other.rollback()
    async with engine.connect() as other:  # released with the unit of work
        await other.execute(lock, {"id": held.id})
