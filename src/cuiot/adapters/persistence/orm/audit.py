"""The audit log (``domain/audit.py``): ``audit_log``, one row per recorded change, written
by the unit of work in the transaction of the change (``repositories/audit.py``) and read
a page at a time by ``views/audit.py``.

``id`` numbers the rows as they are written (an identity column on PostgreSQL,
``AUTOINCREMENT`` on SQLite): with ``at`` it orders a page. ``actor_id`` refers to the user
who acted (NULL: no account acted); an entry outlives nothing it names, so a user who
acted cannot be deleted, only deactivated or erased. ``subject_id`` has no foreign key:
its table depends on ``subject_type`` (and ``alerts`` is partitioned). The set of actions
is the domain's: no CHECK here, so a new action needs no table rebuild on SQLite.

The indexes serve the filters, each newest first: every entry by time; one actor's,
one action's, one subject's and one kind of subject's."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Identity, Index, Integer, Table, Uuid

from cuiot.adapters.persistence.orm import fk, metadata
from cuiot.adapters.persistence.types import EnumText, Json, UtcDateTime
from cuiot.domain.audit import AuditAction, SubjectType

audit_log = Table(
    "audit_log", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_id", Uuid, fk("users.id")),
    Column("action", EnumText(AuditAction, 40), nullable=False),
    Column("subject_type", EnumText(SubjectType, 20), nullable=False),
    Column("subject_id", Uuid, nullable=False),
    Column("details", Json, nullable=False),
    sqlite_autoincrement=True,
)
Index("ix_audit_log_at", audit_log.c.at, audit_log.c.id)
Index("ix_audit_log_actor_at", audit_log.c.actor_id, audit_log.c.at, audit_log.c.id)
Index("ix_audit_log_action_at", audit_log.c.action, audit_log.c.at, audit_log.c.id)
Index("ix_audit_log_subject_at", audit_log.c.subject_id, audit_log.c.at, audit_log.c.id)
Index("ix_audit_log_subject_type_at", audit_log.c.subject_type, audit_log.c.at,
      audit_log.c.id)
