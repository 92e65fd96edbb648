"""Who is told about an alert at each escalation level, and the outbox rows for them.

Level 1: the cared person's own user (self care), the active legal representative and
the primary caregiver. Level 2: every user with access (account holder, members, the
person, every caregiver, the representative). A caregiver is told only once they have
accepted their assignment: a pending invitation gets no alerts. Level 3: the institution's
on-call staff and the person's emergency contacts (they have no user).

Users are told by the channels they chose (``User.alert_addresses``): email, SMS to
their number, push to each phone they registered; an emergency contact gets an email
and/or an SMS, by what they have. Every row names who it was for. A level with nobody
at all falls back to the next lower level, and below level 1 to the admins: an alert is
never told to nobody (with no admin either, a ``log`` row is written so an operator sees
it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from cuiot.application.safety.commands.ack_links import issue_link
from cuiot.application.shared.access import active_admins
from cuiot.application.shared.ports import IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.alerts import Alert
from cuiot.domain.capacity import representative_id_of
from cuiot.domain.care import CaredPerson, CareType, EmergencyContact
from cuiot.domain.escalation import Audience, audience_at, fallback_levels
from cuiot.domain.notifications import AckLinkText, Channel, Notification, alert_message
from cuiot.domain.users import User

LOG_ADDRESS = "log"
Address = tuple[Channel, str, UUID | None, str | None]  # channel, address, user id, name


@dataclass(frozen=True, slots=True)
class Recipients:
    users: tuple[User, ...] = ()
    contacts: tuple[EmergencyContact, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.users or self.contacts)

    def addresses(self) -> list[Address]:
        """(channel, address, user id, name) for every row to write, without repeats."""
        rows: list[Address] = []
        for user in self.users:
            rows += [(channel, address, user.id, user.full_name)
                     for channel, address in user.alert_addresses()]
        for contact in self.contacts:
            rows += [(Channel.EMAIL, contact.email, None, contact.name)] if contact.email else []
            rows += [(Channel.SMS, contact.phone, None, contact.name)] if contact.phone else []
        unique = {(row[0], row[1]): row for row in rows}
        return list(unique.values())


@dataclass(frozen=True)
class Directory:
    """Everyone the ladder may name for some cared persons, and the admins, loaded in a
    few queries (their representations, institutions and users at once), then answered
    from memory: the escalation job loads one for a whole page of alerts, so nothing is
    read (and nothing flushed early) while the page is escalated."""

    representatives: Mapping[UUID, UUID | None]  # cared person → active representative
    on_call: Mapping[UUID, tuple[UUID, ...]]  # institution → its on-call staff, sorted
    users: Mapping[UUID, User]
    admins: Recipients = Recipients()  # active admins holding the role at load time

    @classmethod
    async def load(cls, uow: UnitOfWork, persons: Iterable[CaredPerson], today: date,
                   now: datetime) -> Directory:
        persons = list(persons)
        representations = defaultdict(list)
        for found in await uow.representations.list_for_cared_persons([p.id for p in persons]):
            representations[found.cared_person_id].append(found)
        representatives = {p.id: representative_id_of(representations[p.id], today)
                           for p in persons}
        institutions = await uow.institutions.get_many(
            {p.institution_id for p in persons if p.institution_id})
        on_call = {i.id: tuple(sorted(i.on_call_ids)) for i in institutions.values()}
        named = {u for p in persons for u in _everyone(p, representatives[p.id]) if u}
        named.update(u for staff in on_call.values() for u in staff)
        return cls(representatives, on_call, await uow.users.get_many(named),
                   await admins(uow, now))

    def at_level(self, person: CaredPerson, level: int) -> Recipients:
        """Exactly who a level names, with no fallback."""
        audience = audience_at(level)
        if audience is Audience.ON_CALL_AND_CONTACTS:
            on_call = self.on_call.get(person.institution_id, ()) if person.institution_id else ()
            return Recipients(self._active(on_call), tuple(person.emergency_contacts))
        representative = self.representatives[person.id]
        if audience is Audience.CLOSEST:
            own = (person.user_id or person.account_id
                   if person.care_type is CareType.SELF_CARE else None)
            return Recipients(self._active([own, representative, person.primary_caregiver_id]))
        return Recipients(self._active(_everyone(person, representative)))

    def named_at(self, person: CaredPerson, level: int) -> Recipients:
        """Who to tell at ``level``, else at the next lower level…; empty when nobody."""
        for candidate in fallback_levels(level):
            found = self.at_level(person, candidate)
            if found:
                return found
        return Recipients()

    def _active(self, ids: Iterable[UUID | None]) -> tuple[User, ...]:
        found = {i: self.users[i] for i in ids if i is not None and i in self.users}
        return tuple(user for user in found.values() if user.is_active)


def _everyone(person: CaredPerson, representative: UUID | None) -> list[UUID | None]:
    """Every user with access to ``person``, in the order level 2 names them."""
    return [person.account_id, *sorted(person.member_ids), person.user_id,
            *person.caregiver_ids, representative]


async def recipients_for(uow: UnitOfWork, person: CaredPerson | None, level: int,
                         now: datetime, today: date,
                         directory: Directory | None = None) -> Recipients:
    """Who to tell at ``level``; the next lower level when nobody is there, then admins.
    ``directory``: one already loaded with ``person`` in it (else it is loaded here)."""
    directory = directory or await Directory.load(uow, [person] if person else [], today, now)
    found = directory.named_at(person, level) if person is not None else Recipients()
    return found or directory.admins


async def admins(uow: UnitOfWork, now: datetime) -> Recipients:
    return Recipients(tuple(await active_admins(uow, now)))


async def write_notifications(uow: UnitOfWork, ids: IdGenerator, alert: Alert,
                              person: CaredPerson | None, recipients: Recipients, *,
                              reason: str, now: datetime) -> list[Notification]:
    """One outbox row per recipient and channel, in the caller's unit of work; each row
    (but a ``log`` one) with its own acknowledgement link when the unit of work gives
    links (``ack_links.issue_link``)."""
    rows = recipients.addresses() or [(Channel.LOG, LOG_ADDRESS, None, None)]
    payload = _payload(alert, reason)
    written = []
    for channel, address, user_id, name in rows:
        link = await issue_link(uow, ids, alert, channel, address, user_id, now)
        subject, body = _message(alert, person, reason, link)
        notification = Notification(
            id=ids.new_id(), channel=channel, address=address, subject=subject, body=body,
            created_at=now, kind="alert", recipient_user_id=user_id, recipient_name=name,
            alert_id=alert.id,
            escalation_level=alert.escalation_level,
            payload=dict(payload) | (link.payload() if link else {}),
        )
        await uow.notifications.add(notification)
        written.append(notification)
    return written


def _payload(alert: Alert, reason: str) -> dict[str, object]:
    return {"alert_id": str(alert.id), "cared_person_id": str(alert.cared_person_id),
            "device_id": str(alert.device_pk), "alert_type": alert.alert_type,
            "severity": alert.severity.value, "status": alert.status.value,
            "level": alert.escalation_level, "occurrences": alert.occurrences, "reason": reason}


def _message(alert: Alert, person: CaredPerson | None, reason: str,
             link: AckLinkText | None) -> tuple[str, str]:
    who = person.full_name if person is not None else "una persona cuidada"
    return alert_message(alert, who, reason, link)
