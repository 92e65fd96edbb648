"""The same reading posted several times at once by a device (a retry racing the first
try): one post stores it, every other one hears ``duplicate``, never a 409, and one
event row is kept (``tests/support/races.py`` makes the posts meet)."""

from __future__ import annotations

import pytest
from sqlalchemy import Table, func, select

from cuiot.adapters.persistence.orm.safety import device_messages, events
from tests.e2e.test_devices_api import BP_HIGH, BP_NORMAL, family, register, send
from tests.support.races import at_once


async def _rows(api, table: Table) -> int:
    async with api.container.engine().connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


@pytest.mark.parametrize("posts", [2, 10])
@pytest.mark.parametrize("data", [BP_NORMAL, BP_HIGH], ids=["normal", "alerting"])
async def test_simultaneous_posts_of_one_msg_id_store_it_once(api, posts, data):
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    # They meet at their first write: the device's row, which a batch holds from its read
    # (so the posts then take their turns on it, and each later one finds the claim).
    answers = await at_once(api.container.engine(), "devices", posts,
                            lambda: send(api, device, data, msg_id="same"))
    outcomes = sorted((a.status_code, a.json()["outcome"]) for a in answers)
    assert outcomes == [(200, "duplicate")] * (posts - 1) + [(201, "stored")], [
        a.text for a in answers]
    assert await _rows(api, events) == 1 and await _rows(api, device_messages) == 1
