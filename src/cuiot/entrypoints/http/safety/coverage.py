"""/cared-persons/{id}/coverage: whether a cared person is protected right now, and why
not, reason by reason (the rules: ``domain/coverage.py``). Evaluated at each read, from
what is stored; whoever may not see the person gets a 404."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from cuiot.adapters.persistence.views.coverage import SqlCoverageViews
from cuiot.application.safety.queries.coverage import Coverage, CoverageQuery, ReadCoverage
from cuiot.application.shared.queries import Viewer
from cuiot.entrypoints.http.deps import Principal, query

router = APIRouter(prefix="/cared-persons", tags=["cared persons"])

ReasonCode = Literal["device_offline", "battery_low", "no_reachable_responder", "no_delivery"]


class CoverageReasonOut(BaseModel):
    code: ReasonCode = Field(examples=["device_offline"], description=(
        "device_offline and no_delivery leave the person unprotected; battery_low and "
        "no_reachable_responder, degraded"))
    message: str = Field(examples=["El botón de pánico «Botón del dormitorio» está "
                                   "desconectado: si pasa algo, no puede dar la alarma."])
    subject_id: UUID | None = Field(examples=["6f1c2a3e-8d4b-4c1e-9a7f-2b3c4d5e6f70"],
                                    description="The device (device_pk) or the cared person "
                                                "it is about")
    subject_name: str | None = Field(examples=["Botón del dormitorio"])


class CoverageOut(BaseModel):
    cared_person_id: UUID = Field(examples=["0b6f8e3c-1d2a-4e5f-8a9b-7c6d5e4f3a21"])
    state: Literal["protected", "degraded", "unprotected"] = Field(
        examples=["unprotected"], description="The worst of the reasons; protected with none")
    reasons: list[CoverageReasonOut] = Field(description="Every reason found, devices first")
    evaluated_at: datetime = Field(examples=["2026-01-15T15:00:00Z"])

    @classmethod
    def of(cls, cared_person_id: UUID, coverage: Coverage) -> CoverageOut:
        return cls.model_validate({
            "cared_person_id": cared_person_id, "state": coverage.state,
            "evaluated_at": coverage.evaluated_at,
            "reasons": [{"code": r.code, "message": r.message, "subject_id": r.subject_id,
                         "subject_name": r.subject_name} for r in coverage.reasons]})


@router.get("/{cared_person_id}/coverage", response_model=CoverageOut,
            summary="Whether a cared person is protected right now (protected, degraded or "
                    "unprotected), reason by reason")
async def read_coverage(cared_person_id: UUID, principal: Principal,
                        read: Annotated[ReadCoverage,
                                        Depends(query(ReadCoverage, SqlCoverageViews))]
                        ) -> CoverageOut:
    viewer = Viewer.of(principal.user_id, principal.roles)
    return CoverageOut.of(cared_person_id, await read(CoverageQuery(viewer, cared_person_id)))
