"""How alerts reach the user: the channels they choose (email, SMS, push), the number SMS
go to, and the phones registered for push. Each user changes only their own."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.shared.access import load_actor
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.notifications import Channel
from cuiot.domain.responders import ChannelChoice, PushToken
from cuiot.domain.users import User
from cuiot.domain.values import parse_choice


@dataclass(frozen=True)
class ChooseChannelsCommand:
    actor_id: UUID
    channels: tuple[str, ...]  # email, sms, push
    sms_number: str | None = None


class ChooseChannels:
    """Replaces the choice: a number left out is forgotten."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def __call__(self, cmd: ChooseChannelsCommand) -> User:
        choice = ChannelChoice.of({parse_choice(Channel, c, "channels") for c in cmd.channels})
        async with self.uow:
            user = await load_actor(self.uow, cmd.actor_id)
            user.choose_channels(choice, cmd.sms_number)
            await self.uow.commit()
        return user


@dataclass(frozen=True)
class RegisterPushTokenCommand:
    actor_id: UUID
    token: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class RegisteredPushToken:
    token: PushToken
    created: bool  # False: the phone was registered already


class RegisterPushToken:
    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self.uow, self.clock, self.ids = uow, clock, ids

    async def __call__(self, cmd: RegisterPushTokenCommand) -> RegisteredPushToken:
        new = PushToken(self.ids.new_id(), cmd.token, self.clock.now(), cmd.label)
        async with self.uow:
            user = await load_actor(self.uow, cmd.actor_id)
            kept = user.register_push_token(new)
            await self.uow.commit()
        return RegisteredPushToken(kept, kept is new)


@dataclass(frozen=True)
class RemovePushTokenCommand:
    actor_id: UUID
    token_id: UUID


class RemovePushToken:
    """Another user's token is not found: each user sees only their own."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def __call__(self, cmd: RemovePushTokenCommand) -> None:
        async with self.uow:
            user = await load_actor(self.uow, cmd.actor_id)
            user.remove_push_token(cmd.token_id)
            await self.uow.commit()
