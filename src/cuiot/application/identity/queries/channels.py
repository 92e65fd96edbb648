"""Reads of how alerts reach the caller: their channels, SMS number and push phones."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.identity.ports import ChannelsView, ChannelViews
from cuiot.application.shared.ports import Clock
from cuiot.domain.errors import Unauthenticated


@dataclass(frozen=True, slots=True)
class GetChannelsQuery:
    user_id: UUID


class GetChannels:
    """The caller's own; an unknown or inactive account is ``Unauthenticated``."""

    def __init__(self, channels: ChannelViews, clock: Clock) -> None:
        self.channels, self.clock = channels, clock

    async def __call__(self, query: GetChannelsQuery) -> ChannelsView:
        found = await self.channels.of_user(query.user_id)
        if found is None:
            raise Unauthenticated("unknown or inactive user")
        return found
