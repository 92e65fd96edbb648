from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Index, String, Table, Uuid

from cuiot.adapters.persistence.orm import fk, metadata
from cuiot.adapters.persistence.types import Json, UtcDateTime

institutions = Table(
    "institutions", metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("admin_id", Uuid, fk("users.id"), nullable=False),
    Column("email", String(254)),
    Column("phone", String(40)),
    Column("created_at", UtcDateTime, nullable=False),
)

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
    Column("care_type", String(20), nullable=False),
    Column("capacity_status", String(20), nullable=False),
    Column("emergency_contacts", Json, nullable=False),
    Column("thresholds", Json, nullable=False),
    Column("last_activity_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
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
)
Index("ix_cared_person_caregivers_caregiver", cared_person_caregivers.c.caregiver_id)

legal_representations = Table(
    "legal_representations", metadata,
    Column("id", Uuid, primary_key=True),
    Column("cared_person_id", Uuid, fk("cared_persons.id"), nullable=False, index=True),
    Column("representative_id", Uuid, fk("users.id"), nullable=False, index=True),
    Column("relationship", String(30), nullable=False),
    Column("document_ref", String(200), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date),
    Column("verified", Boolean, nullable=False),
    Column("verified_by", Uuid, fk("users.id")),
    Column("verified_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
)
