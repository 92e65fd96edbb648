"""``IdPrefixes``: the ids a typed prefix may name, read as a range of the primary key.

Every id column is a ``Uuid``: native on PostgreSQL (ordered byte by byte), 32 lowercase
hex characters on SQLite (ordered as text). Either way the ids starting with a prefix are
one range, so the lookup is a short scan of the primary key's index."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from sqlalchemy import Column, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.billing import packages
from cuiot.adapters.persistence.orm.care import cared_persons
from cuiot.adapters.persistence.orm.identity import users
from cuiot.adapters.persistence.orm.referrals import referral_commissions
from cuiot.adapters.persistence.orm.safety import alerts, devices
from cuiot.application.shared.id_prefixes import IdKind

_ID_COLUMNS: dict[IdKind, Column[Any]] = {
    IdKind.ALERT: alerts.c.id, IdKind.USER: users.c.id, IdKind.PACKAGE: packages.c.id,
    IdKind.COMMISSION: referral_commissions.c.id, IdKind.DEVICE: devices.c.id,
    IdKind.CARED_PERSON: cared_persons.c.id,
}


class SqlIdPrefixes:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def between(self, kind: IdKind, low: UUID, high: UUID) -> list[UUID]:
        column = _ID_COLUMNS[kind]
        found = await self.conn.scalars(
            select(column).where(column.between(low, high)).order_by(column).limit(2))
        return cast("list[UUID]", found.all())
