"""Users and their roles. A role may expire."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from cuiot.domain.errors import Conflict, InvalidStateTransition, NotFound, ValidationFailed
from cuiot.domain.notifications import Channel
from cuiot.domain.responders import MAX_PUSH_TOKENS, ChannelChoice, PushToken, phone_number
from cuiot.domain.values import EmailAddress


class Role(StrEnum):
    ADMIN = "admin"
    FAMILY = "family"
    CAREGIVER = "caregiver"
    INSTITUTION_ADMIN = "institution_admin"
    CARED_PERSON = "cared_person"


class CapacityStatus(StrEnum):
    FULL = "full"
    RESTRICTED = "restricted"
    INCAPACITATED = "incapacitated"


def check_date_of_birth(date_of_birth: date | None, today: date) -> None:
    """A date of birth, when known, cannot be in the future."""
    if date_of_birth is not None and date_of_birth > today:
        raise ValidationFailed("date of birth is in the future", field="date_of_birth")


def check_name(first_name: str, last_name: str) -> None:
    if not first_name.strip() or not last_name.strip():
        raise ValidationFailed("first and last name are required", field="name")


@dataclass(unsafe_hash=True)
class RoleGrant:
    """A role held since ``granted_at``, until ``expires_at`` if given. Equal by value
    (and hashed by it); never changed once made, replaced instead (``User.grant_role``)."""

    role: Role
    granted_at: datetime
    expires_at: datetime | None = None

    def is_active(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


@dataclass(eq=False)
class User:
    id: UUID
    email: EmailAddress
    password_hash: str
    first_name: str
    last_name: str
    created_at: datetime
    phone: str | None = None
    date_of_birth: date | None = None
    capacity_status: CapacityStatus = CapacityStatus.FULL
    roles: list[RoleGrant] = field(default_factory=list)
    is_active: bool = True
    channels: ChannelChoice = field(default_factory=ChannelChoice)  # how alerts reach them
    sms_number: str | None = None  # E.164
    push_tokens: list[PushToken] = field(default_factory=list)
    deactivated_at: datetime | None = None  # when ``is_active`` last became False
    erased_at: datetime | None = None  # personal data erased on request (``erase``)

    def __post_init__(self) -> None:
        check_name(self.first_name, self.last_name)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def active_roles(self, now: datetime) -> set[Role]:
        return {grant.role for grant in self.roles if grant.is_active(now)}

    def has_role(self, role: Role, now: datetime) -> bool:
        return role in self.active_roles(now)

    def is_admin(self, now: datetime) -> bool:
        return self.has_role(Role.ADMIN, now)

    def grant_role(self, role: Role, now: datetime, expires_at: datetime | None = None) -> None:
        if expires_at is not None and expires_at <= now:
            raise ValidationFailed("a role cannot expire before it is granted", field="expires_at")
        self.roles = [g for g in self.roles if g.role != role]
        self.roles.append(RoleGrant(role, now, expires_at))

    def revoke_role(self, role: Role) -> None:
        if all(g.role != role for g in self.roles):
            raise Conflict(f"user does not hold the role {role}", role=str(role))
        self.roles = [g for g in self.roles if g.role != role]

    def update_profile(
        self,
        today: date,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        phone: str | None = None,
        date_of_birth: date | None = None,
    ) -> None:
        """Change the given fields; ``None`` leaves a field as it is."""
        first = self.first_name if first_name is None else first_name
        last = self.last_name if last_name is None else last_name
        check_name(first, last)
        check_date_of_birth(date_of_birth, today)
        self.first_name, self.last_name = first.strip(), last.strip()
        self.phone = self.phone if phone is None else phone
        self.date_of_birth = self.date_of_birth if date_of_birth is None else date_of_birth

    def declare_capacity(self, status: CapacityStatus) -> None:
        """Record the capacity a court declared (full, restricted, incapacitated)."""
        self.capacity_status = status

    def choose_channels(self, choice: ChannelChoice, sms_number: str | None) -> None:
        """Choose how alerts reach the user; SMS needs a number (kept even when SMS is
        not chosen, so it can be switched on again)."""
        number = phone_number(sms_number) if sms_number is not None else None
        if choice.sms and number is None:
            raise ValidationFailed("SMS needs a phone number", field="sms_number")
        self.channels, self.sms_number = choice, number

    def register_push_token(self, token: PushToken) -> PushToken:
        """Add a phone that receives push; a token registered before is the same phone
        (apps register theirs at every start), returned as it was."""
        same = next((t for t in self.push_tokens if t.token == token.token), None)
        if same is not None:
            return same
        if len(self.push_tokens) >= MAX_PUSH_TOKENS:
            raise Conflict(f"at most {MAX_PUSH_TOKENS} phones receive push; remove one first",
                           limit=MAX_PUSH_TOKENS)
        self.push_tokens.append(token)
        return token

    def remove_push_token(self, token_id: UUID) -> None:
        if all(t.id != token_id for t in self.push_tokens):
            raise NotFound("push token", token_id)
        self.push_tokens = [t for t in self.push_tokens if t.id != token_id]

    def alert_addresses(self) -> list[tuple[Channel, str]]:
        """Where an alert reaches the user, by the channels they chose: their email, their
        SMS number, each phone registered for push. The account's email when the choice
        gives no address (push chosen, no phone registered): never nowhere."""
        addresses = {Channel.EMAIL: [str(self.email)],
                     Channel.SMS: [self.sms_number] if self.sms_number else [],
                     Channel.PUSH: [t.token for t in self.push_tokens]}
        found = [(c, a) for c in self.channels.chosen for a in addresses[c]]
        return found or [(Channel.EMAIL, str(self.email))]

    def deactivate(self, at: datetime) -> None:
        """No longer logs in, is told of nothing, acts on nothing (``load_actor``); the
        account and its history stay. Ending its sessions is the application's."""
        if not self.is_active:
            raise InvalidStateTransition("user", "inactive", "deactivate")
        self.is_active, self.deactivated_at = False, at

    def reactivate(self) -> None:
        """Active again, as it was; an erased account has nothing to come back with."""
        if self.erased_at is not None:
            raise InvalidStateTransition("user", "erased", "reactivate")
        if self.is_active:
            raise InvalidStateTransition("user", "active", "reactivate")
        self.is_active, self.deactivated_at = True, None

    def erase(self, at: datetime) -> None:
        """Personal data erased on request, once deactivated: a neutral name, an email
        no one has (the address may register again), no phone, birth date, SMS number or
        phones for push, a password that matches nothing. The id stays: the audit log's
        actors, invoices and history point at it."""
        if self.is_active:
            raise InvalidStateTransition("user", "active", "erase")
        if self.erased_at is not None:
            raise InvalidStateTransition("user", "erased", "erase")
        self.first_name, self.last_name = ERASED_NAME
        self.email = erased_email(self.id)
        self.phone = self.date_of_birth = self.sms_number = None
        self.channels, self.push_tokens = ChannelChoice(), []
        self.password_hash, self.erased_at = UNUSABLE_PASSWORD, at


ERASED_NAME = ("Erased", "user")
UNUSABLE_PASSWORD = "!erased"  # no hash of any password: nothing logs in with it
ERASED_EMAIL_DOMAIN = "erased.invalid"  # RFC 2606: a domain that never receives mail


def erased_email(user_id: UUID) -> EmailAddress:
    """The address an erased user keeps: unique (by id), and never anyone's."""
    return EmailAddress(f"erased-{user_id.hex}@{ERASED_EMAIL_DOMAIN}")
