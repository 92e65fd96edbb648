"""The view of how alerts reach a user: one statement, the user's row outer-joined to
their push tokens, grouped here."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Select, Uuid, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.identity import push_tokens, users
from cuiot.application.identity.ports import ChannelsView, PushTokenView
from cuiot.domain.notifications import Channel
from cuiot.domain.responders import ChannelChoice, masked_address

u, t = users.c, push_tokens.c

_OF_USER: Select[Any] = (
    select(u.alert_by_email, u.alert_by_sms, u.alert_by_push, u.sms_number,
           t.id.label("token_id"), t.token, t.label, t.created_at)
    .outerjoin(push_tokens, t.user_id == u.id)
    .where(u.id == bindparam("user_id", type_=Uuid()), u.is_active)
    .order_by(t.created_at, t.id))


class SqlChannelViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def of_user(self, user_id: UUID) -> ChannelsView | None:
        rows = (await self.conn.execute(_OF_USER, {"user_id": user_id})).all()
        if not rows:
            return None
        first = rows[0]
        choice = ChannelChoice(first.alert_by_email, first.alert_by_sms, first.alert_by_push)
        return ChannelsView(choice.chosen, first.sms_number, tuple(
            PushTokenView(row.token_id, masked_address(Channel.PUSH, row.token), row.label,
                          row.created_at)
            for row in rows if row.token_id is not None))
