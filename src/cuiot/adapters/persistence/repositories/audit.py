"""The audit log on SQL (``AuditLog``): each entry is one ``INSERT`` on the unit of work's
connection, so it commits or rolls back with the change it records. A Core statement,
not the session's flush: nothing else the session holds is written by it."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from cuiot.adapters.persistence.orm.audit import audit_log
from cuiot.domain.audit import AuditEntry

_ADD = insert(audit_log)


class SqlAlchemyAuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, entry: AuditEntry) -> None:
        conn = await self.session.connection()
        await conn.execute(_ADD, {
            "at": entry.at, "actor_id": entry.actor_id, "action": entry.action,
            "subject_type": entry.subject_type, "subject_id": entry.subject_id,
            "details": dict(entry.details)})
