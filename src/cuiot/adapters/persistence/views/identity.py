"""Views of identity: who is calling, and users with their active roles. Each answer is
one SQL statement: a page of users outer-joined to their active roles, grouped here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import groupby
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, Select, Uuid, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.identity import refresh_token_families, user_roles, users
from cuiot.adapters.persistence.types import UtcDateTime
from cuiot.application.identity.ports import RoleView, UserView
from cuiot.application.shared.queries import Window
from cuiot.domain.users import Role

SHOWN = (users.c.id, users.c.email, users.c.first_name, users.c.last_name, users.c.phone,
         users.c.date_of_birth, users.c.capacity_status, users.c.is_active, users.c.created_at,
         users.c.deactivated_at, users.c.erased_at)


def _role_active(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    return or_(user_roles.c.expires_at.is_(None), user_roles.c.expires_at > now)


# Every authenticated request runs it: built once, the user and the time bound per call.
_PRINCIPAL = (
    select(users.c.id, user_roles.c.role)
    .outerjoin(user_roles, (user_roles.c.user_id == users.c.id)
               & _role_active(bindparam("now", type_=UtcDateTime())))
    .where(users.c.id == bindparam("user_id", type_=Uuid()), users.c.is_active))

# ... and the session the token names, not revoked (one statement still: by primary key).
_SESSION_PRINCIPAL = _PRINCIPAL.join(
    refresh_token_families,
    (refresh_token_families.c.id == bindparam("family_id", type_=Uuid()))
    & (refresh_token_families.c.user_id == users.c.id)
    & refresh_token_families.c.revoked_at.is_(None))


class SqlPrincipalViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def active_roles(self, user_id: UUID, now: datetime) -> frozenset[Role] | None:
        return _roles(await self.conn.execute(_PRINCIPAL, {"user_id": user_id, "now": now}))

    async def session_roles(self, user_id: UUID, family_id: UUID,
                            now: datetime) -> frozenset[Role] | None:
        return _roles(await self.conn.execute(_SESSION_PRINCIPAL, {
            "user_id": user_id, "family_id": family_id, "now": now}))


def _roles(result: Any) -> frozenset[Role] | None:
    rows = result.all()
    if not rows:
        return None
    return frozenset(Role(role) for _, role in rows if role is not None)


class SqlUserViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def page(self, now: datetime, window: Window) -> list[UserView]:
        chosen = (select(*SHOWN).order_by(users.c.created_at, users.c.id)
                  .offset(window.offset).limit(window.limit + 1))
        return await self._with_roles(chosen, now)

    async def by_id(self, user_id: UUID, now: datetime) -> UserView | None:
        found = await self._with_roles(select(*SHOWN).where(users.c.id == user_id), now)
        return found[0] if found else None

    async def _with_roles(self, chosen: Select[Any], now: datetime) -> list[UserView]:
        """The chosen users (a subquery), each with its active roles, in one statement."""
        page, r = chosen.subquery("page"), user_roles.c
        rows = (await self.conn.execute(
            select(page, r.role, r.granted_at, r.expires_at)
            .outerjoin(user_roles, (r.user_id == page.c.id) & _role_active(now))
            .order_by(page.c.created_at, page.c.id, r.granted_at, r.role))).all()
        return [_user(list(group)) for _, group in groupby(rows, key=lambda row: row.id)]


def _user(rows: Sequence[Row[Any]]) -> UserView:
    first = rows[0]
    return UserView(
        id=first.id, email=first.email, first_name=first.first_name,
        last_name=first.last_name, phone=first.phone, date_of_birth=first.date_of_birth,
        capacity_status=first.capacity_status, is_active=first.is_active,
        created_at=first.created_at, deactivated_at=first.deactivated_at,
        erased_at=first.erased_at,
        roles=tuple(RoleView(row.role, row.granted_at, row.expires_at)
                    for row in rows if row.role is not None))
