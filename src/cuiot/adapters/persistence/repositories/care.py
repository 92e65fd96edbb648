from __future__ import annotations

from typing import Any, Iterable, Mapping
from uuid import UUID

from sqlalchemy import or_, select

from cuiot.adapters.persistence.repositories.base import Child, Mapper, Row, SqlRepository
from cuiot.adapters.persistence.orm.care import (
    cared_person_caregivers,
    cared_person_members,
    cared_persons,
    institution_staff,
    institutions,
    legal_representations,
)
from cuiot.domain.care import (
    CaredPerson,
    CaregiverAssignment,
    CareType,
    EmergencyContact,
    Institution,
    LegalRepresentation,
    Relationship,
)
from cuiot.domain.users import CapacityStatus


def _cp_row(cp: CaredPerson) -> dict[str, Any]:
    return {
        "id": cp.id, "account_id": cp.account_id, "user_id": cp.user_id,
        "institution_id": cp.institution_id, "first_name": cp.first_name,
        "last_name": cp.last_name, "date_of_birth": cp.date_of_birth,
        "care_type": cp.care_type.value, "capacity_status": cp.capacity_status.value,
        "emergency_contacts": [vars_of(c) for c in cp.emergency_contacts],
        "thresholds": cp.thresholds, "last_activity_at": cp.last_activity_at,
        "created_at": cp.created_at,
    }


def vars_of(contact: EmergencyContact) -> dict[str, Any]:
    return {"name": contact.name, "email": contact.email, "phone": contact.phone}


def _cp_from(row: Row, children: Mapping[str, list[Row]]) -> CaredPerson:
    return CaredPerson(
        id=row["id"], account_id=row["account_id"], user_id=row["user_id"],
        institution_id=row["institution_id"], first_name=row["first_name"],
        last_name=row["last_name"], date_of_birth=row["date_of_birth"],
        care_type=CareType(row["care_type"]),
        capacity_status=CapacityStatus(row["capacity_status"]),
        emergency_contacts=[EmergencyContact(**c) for c in row["emergency_contacts"]],
        thresholds=dict(row["thresholds"]), last_activity_at=row["last_activity_at"],
        created_at=row["created_at"],
        member_ids={r["user_id"] for r in children.get("members", [])},
        caregivers=[CaregiverAssignment(r["caregiver_id"], r["is_primary"])
                    for r in children.get("caregivers", [])],
    )


CARED_PERSON_MAPPER = Mapper(cared_persons, _cp_row, _cp_from, children=(
    Child("members", cared_person_members, "cared_person_id",
          lambda cp: [{"cared_person_id": cp.id, "user_id": u} for u in sorted(cp.member_ids)]),
    Child("caregivers", cared_person_caregivers, "cared_person_id",
          lambda cp: [{"cared_person_id": cp.id, "caregiver_id": a.caregiver_id,
                       "is_primary": a.primary} for a in cp.caregivers]),
))


class SqlAlchemyCaredPersonRepository(SqlRepository[CaredPerson]):
    mapper = CARED_PERSON_MAPPER
    entity = "cared person"

    async def list_for_account(self, account_id: UUID) -> list[CaredPerson]:
        return await self._load(self._select().where(cared_persons.c.account_id == account_id)
                                .order_by(cared_persons.c.created_at))

    async def list_for_institution(self, institution_id: UUID) -> list[CaredPerson]:
        return await self._load(
            self._select().where(cared_persons.c.institution_id == institution_id)
            .order_by(cared_persons.c.created_at))

    async def get_for_user(self, user_id: UUID) -> CaredPerson | None:
        return await self._load_one(self._select().where(cared_persons.c.user_id == user_id))

    async def list_with_direct_access(self, user_id: UUID) -> list[CaredPerson]:
        c = cared_persons.c
        member = select(cared_person_members.c.cared_person_id).where(
            cared_person_members.c.user_id == user_id)
        caring = select(cared_person_caregivers.c.cared_person_id).where(
            cared_person_caregivers.c.caregiver_id == user_id)
        return await self._load(self._select().where(or_(
            c.account_id == user_id, c.user_id == user_id, c.id.in_(member), c.id.in_(caring),
        )).order_by(c.created_at))


def _rep_row(r: LegalRepresentation) -> dict[str, Any]:
    return {
        "id": r.id, "cared_person_id": r.cared_person_id,
        "representative_id": r.representative_id, "relationship": r.relationship.value,
        "document_ref": r.document_ref, "valid_from": r.valid_from,
        "valid_until": r.valid_until, "verified": r.verified, "verified_by": r.verified_by,
        "verified_at": r.verified_at, "created_at": r.created_at,
    }


def _rep_from(row: Row, _children: Mapping[str, list[Row]]) -> LegalRepresentation:
    values = dict(row)
    values["relationship"] = Relationship(values["relationship"])
    return LegalRepresentation(**values)


class SqlAlchemyRepresentationRepository(SqlRepository[LegalRepresentation]):
    mapper = Mapper(legal_representations, _rep_row, _rep_from)
    entity = "legal representation"

    async def list_for_cared_person(self, cared_person_id: UUID) -> list[LegalRepresentation]:
        t = legal_representations.c
        return await self._load(self._select().where(t.cared_person_id == cared_person_id)
                                .order_by(t.created_at))

    async def list_for_cared_persons(
            self, cared_person_ids: Iterable[UUID]) -> list[LegalRepresentation]:
        t = legal_representations.c
        return await self._load(self._select().where(t.cared_person_id.in_(list(cared_person_ids)))
                                .order_by(t.created_at))

    async def list_for_representative(self, user_id: UUID) -> list[LegalRepresentation]:
        t = legal_representations.c
        return await self._load(self._select().where(t.representative_id == user_id)
                                .order_by(t.created_at))


def _inst_row(i: Institution) -> dict[str, Any]:
    return {"id": i.id, "name": i.name, "admin_id": i.admin_id, "email": i.email,
            "phone": i.phone, "created_at": i.created_at}


def _staff_rows(i: Institution) -> list[dict[str, Any]]:
    ids = sorted(i.staff_ids | i.on_call_ids)
    return [{"institution_id": i.id, "user_id": u, "on_call": u in i.on_call_ids} for u in ids]


def _inst_from(row: Row, children: Mapping[str, list[Row]]) -> Institution:
    staff = children.get("staff", [])
    return Institution(
        id=row["id"], name=row["name"], admin_id=row["admin_id"], email=row["email"],
        phone=row["phone"], created_at=row["created_at"],
        staff_ids={r["user_id"] for r in staff},  # on-call staff are staff too
        on_call_ids={r["user_id"] for r in staff if r["on_call"]},
    )


class SqlAlchemyInstitutionRepository(SqlRepository[Institution]):
    mapper = Mapper(institutions, _inst_row, _inst_from,
                    children=(Child("staff", institution_staff, "institution_id", _staff_rows),))
    entity = "institution"

    async def list_for_staff(self, user_id: UUID) -> list[Institution]:
        staff = select(institution_staff.c.institution_id).where(
            institution_staff.c.user_id == user_id)
        t = institutions.c
        return await self._load(self._select().where((t.admin_id == user_id) | t.id.in_(staff)))
