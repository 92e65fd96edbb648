"""A live connection's gate hears of access taken away at once: an ``access_changed``
message for its user (or for anybody) makes it load the audience again before it decides
on the next alert, well within the 30 s it otherwise keeps it; one for another user
changes nothing; the message itself is never forwarded. (The reader that hands these
messages on ahead of later alert changes: tests/integration/test_access_removal_live.py.)"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

from cuiot.application.safety.queries.live_alerts import LiveAlertFilter, access_change
from cuiot.application.shared.queries import Viewer
from tests.fakes.system import FixedClock

ROSA = uuid4()


class Audience:
    """Our fake of ``LiveAudience``: whom each user sees now, and how often it was asked."""

    def __init__(self) -> None:
        self.sees: dict[UUID, set[UUID]] = {}
        self.loads = 0

    async def viewer(self, user_id: UUID, now: datetime) -> Viewer | None:
        return Viewer(user_id)

    async def visible_person_ids(self, viewer: Viewer, today: date) -> frozenset[UUID]:
        self.loads += 1
        return frozenset(self.sees.get(viewer.user_id, set()))

    async def may_see_person(self, viewer: Viewer, cared_person_id: UUID, today: date) -> bool:
        return cared_person_id in self.sees.get(viewer.user_id, set())


def alert_of(person: UUID) -> dict:
    return {"change": "opened", "alert": {"cared_person_id": str(person)}}


def gate(audience: Audience, user: UUID, clock: FixedClock) -> LiveAlertFilter:
    return LiveAlertFilter(user, audience, clock, timedelta(seconds=30))


async def test_access_taken_away_is_heard_before_the_next_alert(clock: FixedClock) -> None:
    pedro, audience = uuid4(), Audience()
    audience.sees[pedro] = {ROSA}
    watching = gate(audience, pedro, clock)
    assert await watching.may_see(alert_of(ROSA))
    audience.sees[pedro] = set()  # removed: committed in some process
    assert await watching.may_see(alert_of(ROSA))  # not heard of yet: kept for 30 s
    assert not await watching.may_see(access_change(pedro))  # never forwarded
    assert not await watching.may_see(alert_of(ROSA))
    assert audience.loads == 2


async def test_a_change_for_someone_else_keeps_the_audience(clock: FixedClock) -> None:
    pedro, laura, audience = uuid4(), uuid4(), Audience()
    audience.sees = {pedro: {ROSA}, laura: {ROSA}}
    watching = gate(audience, laura, clock)
    assert await watching.may_see(alert_of(ROSA))
    assert not await watching.may_see(access_change(pedro))
    assert await watching.may_see(alert_of(ROSA))
    assert audience.loads == 1


async def test_a_change_for_anybody_reloads_every_gate(clock: FixedClock) -> None:
    laura, audience = uuid4(), Audience()
    audience.sees[laura] = {ROSA}
    watching = gate(audience, laura, clock)
    assert await watching.may_see(alert_of(ROSA))
    audience.sees[laura] = set()
    assert not await watching.may_see(access_change(None))
    assert not await watching.may_see(alert_of(ROSA))
    assert audience.loads == 2
