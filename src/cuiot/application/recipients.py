"""Who is told about an alert at each escalation level, and the outbox rows for them.

Level 1: the cared person's own user (self care), the active legal representative and
the primary caregiver. Level 2: every user with access (account holder, members, the
person, every assigned caregiver, the representative). Level 3: the institution's
on-call staff and the person's emergency contacts (they have no user).

Users get an email (their address) and a push (their user id); an emergency contact
gets an email and/or an SMS, by what they have. A level with nobody at all falls back to
the next lower level, and below level 1 to the admins: an alert is never told to nobody
(with no admin either, a ``log`` row is written so an operator sees it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from cuiot.application.access import active_admins
from cuiot.application.ports.common import IdGenerator
from cuiot.application.uow import UnitOfWork
from cuiot.domain.alerts import Alert
from cuiot.domain.capacity import representative_id_of
from cuiot.domain.care import CaredPerson, CareType, EmergencyContact
from cuiot.domain.escalation import Audience, audience_at, fallback_levels
from cuiot.domain.notifications import Channel, Notification
from cuiot.domain.users import User

LOG_ADDRESS = "log"


@dataclass(frozen=True, slots=True)
class Recipients:
    users: tuple[User, ...] = ()
    contacts: tuple[EmergencyContact, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.users or self.contacts)

    def addresses(self) -> list[tuple[Channel, str, UUID | None]]:
        """(channel, address, user id) for every row to write, without repeats."""
        rows: list[tuple[Channel, str, UUID | None]] = []
        for user in self.users:
            rows += [(Channel.EMAIL, str(user.email), user.id), (Channel.PUSH, str(user.id), user.id)]
        for contact in self.contacts:
            rows += [(Channel.EMAIL, contact.email, None)] if contact.email else []
            rows += [(Channel.SMS, contact.phone, None)] if contact.phone else []
        unique = {(channel, address): (channel, address, user) for channel, address, user in rows}
        return list(unique.values())


async def level_recipients(uow: UnitOfWork, person: CaredPerson, level: int,
                           today: date) -> Recipients:
    """Exactly who a level names, with no fallback."""
    audience = audience_at(level)
    if audience is Audience.ON_CALL_AND_CONTACTS:
        on_call: list[UUID] = []
        if person.institution_id is not None:
            institution = await uow.institutions.get(person.institution_id)
            on_call = sorted(institution.on_call_ids) if institution else []
        return Recipients(await _users(uow, on_call), tuple(person.emergency_contacts))
    representations = await uow.representations.list_for_cared_person(person.id)
    representative = representative_id_of(representations, today)
    if audience is Audience.CLOSEST:
        own = (person.user_id or person.account_id
               if person.care_type is CareType.SELF_CARE else None)
        return Recipients(await _users(uow, [own, representative, person.primary_caregiver_id]))
    everyone = [person.account_id, *sorted(person.member_ids), person.user_id,
                *(a.caregiver_id for a in person.caregivers), representative]
    return Recipients(await _users(uow, everyone))


async def recipients_for(uow: UnitOfWork, person: CaredPerson | None, level: int,
                         now: datetime, today: date) -> Recipients:
    """Who to tell at ``level``; the next lower level when nobody is there, then admins."""
    if person is not None:
        for candidate in fallback_levels(level):
            found = await level_recipients(uow, person, candidate, today)
            if found:
                return found
    return await admins(uow, now)


async def admins(uow: UnitOfWork, now: datetime) -> Recipients:
    return Recipients(tuple(await active_admins(uow, now)))


async def _users(uow: UnitOfWork, ids: Iterable[UUID | None]) -> tuple[User, ...]:
    found: dict[UUID, User] = {}
    for user_id in ids:
        if user_id is None or user_id in found:
            continue
        user = await uow.users.get(user_id)
        if user is not None and user.is_active:
            found[user_id] = user
    return tuple(found.values())


async def write_notifications(uow: UnitOfWork, ids: IdGenerator, alert: Alert,
                              person: CaredPerson | None, recipients: Recipients, *,
                              reason: str, now: datetime) -> list[Notification]:
    """One outbox row per recipient and channel, in the caller's unit of work."""
    rows = recipients.addresses() or [(Channel.LOG, LOG_ADDRESS, None)]
    subject, body = _message(alert, person, reason)
    written = []
    for channel, address, user_id in rows:
        notification = Notification(
            id=ids.new_id(), channel=channel, address=address, subject=subject, body=body,
            created_at=now, kind="alert", recipient_user_id=user_id, alert_id=alert.id,
            escalation_level=alert.escalation_level, payload=_payload(alert, reason),
        )
        await uow.notifications.add(notification)
        written.append(notification)
    return written


def _payload(alert: Alert, reason: str) -> dict[str, object]:
    return {"alert_id": str(alert.id), "cared_person_id": str(alert.cared_person_id),
            "device_id": str(alert.device_pk), "alert_type": alert.alert_type,
            "severity": alert.severity.value, "status": alert.status.value,
            "level": alert.escalation_level, "occurrences": alert.occurrences, "reason": reason}


def _message(alert: Alert, person: CaredPerson | None, reason: str) -> tuple[str, str]:
    who = person.full_name if person is not None else "una persona cuidada"
    subject = f"CUIOT alerta {alert.severity.value}: {alert.alert_type} de {who}"
    body = (f"Alerta {alert.alert_type} ({alert.severity.value}) de {who}, "
            f"{alert.occurrences} evento(s), nivel {alert.escalation_level} ({reason}). "
            "Confírmela en CUIOT para detener el escalado.")
    return subject, body
