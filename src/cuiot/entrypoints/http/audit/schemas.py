"""The body of /audit: one entry, with the names of whom it speaks of."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from cuiot.application.audit.ports import AuditEntryView
from cuiot.domain.audit import AuditAction, SubjectType

NO_ACTOR = ("null when no account acted: the operator's `cuiot admin create`, or a "
            "notification's recipient without an account acknowledging from its link")


class AuditEntryOut(BaseModel):
    id: int = Field(examples=[1042], description="Numbers the entries as written")
    at: datetime = Field(examples=["2026-01-15T15:04:05Z"], description="When, in UTC")
    action: AuditAction = Field(examples=["alert.acknowledged"])
    actor_id: UUID | None = Field(examples=["3f1c2a9e-7b4d-4c55-9a1e-2d6f0b8c4e11"],
                                  description=f"Who acted; {NO_ACTOR}")
    actor_name: str | None = Field(examples=["Lucía Fernández"])
    actor_email: str | None = Field(examples=["lucia@example.com"])
    subject_type: SubjectType = Field(examples=["alert"],
                                      description="What was acted on (follows from action)")
    subject_id: UUID = Field(examples=["9a7e5c3b-1d2f-4e6a-8b0c-5f4d3e2a1b09"])
    subject_label: str | None = Field(
        examples=["caída · Rosa Gómez"],
        description="A person's name, an alert's type and person, an invoice's number, a "
                    "package's name; null when the subject is gone")
    details: dict[str, Any] = Field(
        examples=[{"severity": "critical", "escalation_level": 2}],
        description="What an auditor needs to read the entry on its own (the role, the "
                    "amount, what changed); never a secret")

    @classmethod
    def of(cls, entry: AuditEntryView) -> AuditEntryOut:
        """From a view's row, typed already: built without validating it again."""
        return cls.model_construct(
            id=entry.id, at=entry.at, action=entry.action, actor_id=entry.actor_id,
            actor_name=entry.actor_name, actor_email=entry.actor_email,
            subject_type=entry.subject_type, subject_id=entry.subject_id,
            subject_label=entry.subject_label, details=entry.details)
