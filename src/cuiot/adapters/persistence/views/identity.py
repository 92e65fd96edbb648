"""Views of identity: who is calling."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.identity import user_roles, users
from cuiot.domain.users import Role


class SqlPrincipalViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def active_roles(self, user_id: UUID, now: datetime) -> frozenset[Role] | None:
        r = user_roles.c
        rows = (await self.conn.execute(
            select(users.c.id, r.role)
            .outerjoin(user_roles, (r.user_id == users.c.id)
                       & or_(r.expires_at.is_(None), r.expires_at > now))
            .where(users.c.id == user_id, users.c.is_active))).all()
        if not rows:
            return None
        return frozenset(Role(role) for _, role in rows if role is not None)
