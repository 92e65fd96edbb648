"""Sessions still live (``SessionViews``): one statement for a whole set of them (per
``CHUNK``: a driver takes some 32,000 parameters at most), by the primary key of
``refresh_token_families`` and of ``users``."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.identity import refresh_token_families, users

f, u = refresh_token_families.c, users.c
CHUNK = 5_000
_LIVE = (select(f.id).join(users, u.id == f.user_id)
         .where(f.id.in_(bindparam("ids", expanding=True)), f.revoked_at.is_(None),
                u.is_active))


class SqlSessionViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def live_sessions(self, family_ids: Iterable[UUID]) -> frozenset[UUID]:
        wanted, live = sorted(set(family_ids)), set[UUID]()
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            live.update((await self.conn.scalars(_LIVE, {"ids": chunk})).all())
        return frozenset(live)
