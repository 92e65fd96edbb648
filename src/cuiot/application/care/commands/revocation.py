"""What taking access away does at once, in the removal's own unit of work.

A user removed from a person (``removals.py``, ``representation_end.py``) may still see
them another way: a member who is also one of their caregivers, staff of their
institution. For each person they no longer see, from the commit on:

- their next request finds nothing of the person (every read asks the access rule);
- they are told of none of the person's alerts: the escalation ladder names whoever has
  access when it writes a level's notifications (``safety/commands/recipients.py``), and
  their notifications about the person's alerts still queued are given up (failed, with
  the reason), never delivered;
- the acknowledgement links they were sent and that are still open expire now (a link's
  page shows what a responder needs to know of the person);
- an open live socket of theirs forwards no more of the person's alerts: the live stream
  hears of it (``uow.access_changes``), in every process, ahead of any alert change
  committed after the removal.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from uuid import UUID

from cuiot.application.shared.access import may_access
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.access_removal import GIVEN_UP, AccessRevoked
from cuiot.domain.care import CaredPerson


async def take_access_away(uow: UnitOfWork, user_id: UUID, persons: Iterable[CaredPerson],
                           now: datetime, today: date) -> list[UUID]:
    """``user_id`` may have lost access to ``persons`` (as the unit of work now holds
    them): the above for each they no longer see, whose ids it returns."""
    lost = await _no_longer_seen(uow, user_id, persons, now, today)
    if not lost:
        return lost
    for notification in await uow.notifications.list_queued_about(user_id, lost):
        notification.give_up(GIVEN_UP)
    for link in await uow.ack_links.list_open_about(user_id, lost, now):
        link.withdraw(now)
    await uow.access_changes.add(AccessRevoked(user_id, now))
    return lost


async def _no_longer_seen(uow: UnitOfWork, user_id: UUID, persons: Iterable[CaredPerson],
                          now: datetime, today: date) -> list[UUID]:
    user = await uow.users.get(user_id)
    if user is None:
        return [person.id for person in persons]
    return [person.id for person in persons
            if not await may_access(uow, user, person, now, today)]
