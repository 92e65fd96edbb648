"""Care: cared persons with their members and caregivers, institutions with their staff,
legal representations; and their mapping onto the domain's classes.

The domain keeps sets and lists of plain values (``member_ids``, ``caregivers``,
``staff_ids``, ``on_call_ids``); each is a child table here. A small mapped class stands
for one child row and an association proxy installed on the domain class shows the
rows as the domain's own collection, so the domain's API and code stay as they are. The
rows are in the session like any entity: one added or removed is one INSERT or DELETE,
and an unchanged collection writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, MutableSet
from dataclasses import asdict, dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Index,
    String,
    Table,
    TypeDecorator,
    Uuid,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.associationproxy import association_proxy
from sqlalchemy.orm import composite, relationship
from sqlalchemy.types import JSON

from cuiot.adapters.persistence.orm import fk, mapper_registry, mapping, metadata
from cuiot.adapters.persistence.types import EnumText, Json, UtcDateTime
from cuiot.domain.care import (
    AssignmentStatus,
    CaredPerson,
    CaregiverAssignment,
    CareType,
    EmergencyContact,
    Institution,
    LegalRepresentation,
    Relationship,
    ResponderInfo,
)
from cuiot.domain.users import CapacityStatus


class EmergencyContacts(TypeDecorator[list[EmergencyContact]]):
    """A list of ``EmergencyContact`` values as a JSON array of objects."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value: Any, dialect: Any) -> list[dict[str, Any]] | None:
        if value is None:
            return None
        return [{"name": c.name, "email": c.email, "phone": c.phone} for c in value]

    def process_result_value(self, value: Any, dialect: Any) -> list[EmergencyContact] | None:
        return None if value is None else [EmergencyContact(**item) for item in value]


class ResponderInfoJson(TypeDecorator[ResponderInfo]):
    """A ``ResponderInfo`` as a JSON object; SQL NULL when nothing is written down."""

    impl = JSON(none_as_null=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        return dialect.type_descriptor(JSONB(none_as_null=True) if dialect.name == "postgresql"
                                       else JSON(none_as_null=True))

    def process_bind_param(self, value: Any, dialect: Any) -> dict[str, Any] | None:
        if value is None or value == ResponderInfo():
            return None
        return {name: list(v) if isinstance(v, tuple) else v
                for name, v in asdict(value).items() if v}

    def process_result_value(self, value: Any, dialect: Any) -> ResponderInfo:
        return ResponderInfo(**value) if value else ResponderInfo()


institutions = Table(
    "institutions", metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("admin_id", Uuid, fk("users.id"), nullable=False),
    Column("email", String(254)),
    Column("phone", String(40)),
    Column("created_at", UtcDateTime, nullable=False),
)
# "Institutions this user administers": the access rule asks on every read of care.
Index("ix_institutions_admin", institutions.c.admin_id)

institution_staff = Table(
    "institution_staff", metadata,
    Column("institution_id", Uuid, fk("institutions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Uuid, fk("users.id"), primary_key=True),
    Column("on_call", Boolean, nullable=False),
)
Index("ix_institution_staff_user", institution_staff.c.user_id)

cared_persons = Table(
    "cared_persons", metadata,
    Column("id", Uuid, primary_key=True),
    Column("account_id", Uuid, fk("users.id"), nullable=False, index=True),
    Column("user_id", Uuid, fk("users.id"), index=True),
    Column("institution_id", Uuid, fk("institutions.id"), index=True),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("date_of_birth", Date),
    Column("care_type", EnumText(CareType, 20), nullable=False),
    Column("capacity_status", EnumText(CapacityStatus, 20), nullable=False),
    Column("emergency_contacts", EmergencyContacts, nullable=False),
    Column("thresholds", Json, nullable=False),
    Column("last_activity_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("responder_info", ResponderInfoJson),  # address, conditions, doctor…
    Column("deactivated_at", UtcDateTime),  # monitoring stopped (0013)
    Column("erased_at", UtcDateTime),  # personal data erased on request
)

cared_person_members = Table(
    "cared_person_members", metadata,
    Column("cared_person_id", Uuid, fk("cared_persons.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Uuid, fk("users.id"), primary_key=True),
)
Index("ix_cared_person_members_user", cared_person_members.c.user_id)

cared_person_caregivers = Table(
    "cared_person_caregivers", metadata,
    Column("cared_person_id", Uuid, fk("cared_persons.id", ondelete="CASCADE"), primary_key=True),
    Column("caregiver_id", Uuid, fk("users.id"), primary_key=True),
    Column("is_primary", Boolean, nullable=False),
    Column("status", EnumText(AssignmentStatus, 20), nullable=False),
    CheckConstraint("status IN ('pending', 'accepted')", name="status"),
)
# "Whom this user cares for" (the access rule) and "their pending invitations".
Index("ix_cared_person_caregivers_caregiver", cared_person_caregivers.c.caregiver_id)

legal_representations = Table(
    "legal_representations", metadata,
    Column("id", Uuid, primary_key=True),
    Column("cared_person_id", Uuid, fk("cared_persons.id"), nullable=False, index=True),
    Column("representative_id", Uuid, fk("users.id"), nullable=False, index=True),
    Column("relationship", EnumText(Relationship, 30), nullable=False),
    Column("document_ref", String(200), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date),
    Column("verified", Boolean, nullable=False),
    Column("verified_by", Uuid, fk("users.id")),
    Column("verified_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),  # ended at once: in force on no day after
    Column("ended_by", Uuid, fk("users.id")),
)


@dataclass(unsafe_hash=True)
class Membership:
    """A row of ``cared_person_members``: one user the account gave access to."""

    user_id: UUID


@dataclass(unsafe_hash=True)
class CaregiverRow:
    """A row of ``cared_person_caregivers``: one ``CaregiverAssignment`` (a composite of
    ``caregiver_id``, ``is_primary`` and ``status``). Accepting or demoting one replaces
    the value in place: one UPDATE of its row."""

    assignment: CaregiverAssignment


@dataclass(unsafe_hash=True)
class StaffMember:
    """A row of ``institution_staff``: one member of staff, on call or not (the flag
    changes in place, so the row hashes by the user alone)."""

    user_id: UUID
    on_call: bool = field(default=False, hash=False)


class OnCallView(MutableSet[UUID]):
    """``Institution.on_call_ids``: the ids of the staff rows flagged on call. Adding an
    id flags its row (adding the row if there is none); discarding one clears the flag
    (the user stays staff)."""

    def __init__(self, rows: set[StaffMember]) -> None:
        self.rows = rows

    def _row(self, user_id: object) -> StaffMember | None:
        return next((row for row in self.rows if row.user_id == user_id), None)

    def __contains__(self, user_id: object) -> bool:
        row = self._row(user_id)
        return row is not None and row.on_call

    def __iter__(self) -> Iterator[UUID]:
        return (row.user_id for row in self.rows if row.on_call)

    def __len__(self) -> int:
        return sum(1 for row in self.rows if row.on_call)

    def add(self, user_id: UUID) -> None:
        row = self._row(user_id)
        if row is None:
            self.rows.add(StaffMember(user_id, on_call=True))
        elif not row.on_call:
            row.on_call = True

    def discard(self, user_id: UUID) -> None:
        row = self._row(user_id)
        if row is not None and row.on_call:
            row.on_call = False

    def replace(self, user_ids: Iterable[UUID]) -> None:
        wanted = set(user_ids)
        for user_id in [u for u in self if u not in wanted]:
            self.discard(user_id)
        for user_id in wanted:
            self.add(user_id)

    @classmethod
    def _from_iterable(cls, values: Iterable[UUID]) -> set[UUID]:  # type: ignore[override]
        return set(values)  # what ``on_call_ids | other`` and the like return

    def __repr__(self) -> str:
        return repr(set(self))


class OnCallIds:
    """The descriptor installed as ``Institution.on_call_ids``."""

    def __get__(self, institution: Any, owner: type) -> Any:
        return self if institution is None else OnCallView(institution.staff_rows)

    def __set__(self, institution: Any, user_ids: Iterable[UUID]) -> None:
        OnCallView(institution.staff_rows).replace(user_ids)


def _children(cls: type, **kwargs: Any) -> Any:
    """A child collection: written and deleted with its parent, loaded with it."""
    return relationship(cls, cascade="all, delete-orphan", lazy="selectin", **kwargs)


def _install(cls: type, **attributes: Any) -> None:
    """Put the views of child rows on a domain class (the domain module never sees them)."""
    for name, value in attributes.items():
        setattr(cls, name, value)


def _start_empty(cls: type, **collections: Callable[[], Any]) -> None:
    """A new object's child collections start empty and held (the ORM would otherwise
    leave an untouched one unset, and try to load it once the object is stored)."""

    def start(target: Any, _args: Any, _kwargs: Any) -> None:
        for name, factory in collections.items():
            setattr(target, name, factory())

    event.listen(cls, "init", start)


@mapping
def map_care() -> None:
    caregiver = cared_person_caregivers.c
    mapper_registry.map_imperatively(Membership, cared_person_members)
    mapper_registry.map_imperatively(CaregiverRow, cared_person_caregivers, properties={
        "assignment": composite(CaregiverAssignment, caregiver.caregiver_id,
                                caregiver.is_primary, caregiver.status),
    })
    mapper_registry.map_imperatively(CaredPerson, cared_persons, properties={
        "memberships": _children(Membership, collection_class=set),
        "caregiver_rows": _children(CaregiverRow,
                                    order_by=(caregiver.is_primary.desc(), caregiver.caregiver_id)),
    })
    _install(CaredPerson,
             member_ids=association_proxy("memberships", "user_id", creator=Membership),
             caregivers=association_proxy("caregiver_rows", "assignment", creator=CaregiverRow))
    _start_empty(CaredPerson, memberships=set, caregiver_rows=list)
    mapper_registry.map_imperatively(StaffMember, institution_staff)
    mapper_registry.map_imperatively(Institution, institutions, properties={
        "staff_rows": _children(StaffMember, collection_class=set),
    })
    _install(Institution,
             staff_ids=association_proxy("staff_rows", "user_id", creator=StaffMember),
             on_call_ids=OnCallIds())
    _start_empty(Institution, staff_rows=set)
    mapper_registry.map_imperatively(LegalRepresentation, legal_representations)
