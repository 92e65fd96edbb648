from __future__ import annotations

from typing import Protocol

from cuiot.domain.rejections import RejectedMessage


class RejectedMessageRepository(Protocol):
    async def add(self, message: RejectedMessage) -> None: ...

    async def list(self, offset: int = 0, limit: int = 100) -> list[RejectedMessage]:
        """Newest first."""
        ...

    async def count_by_reason(self) -> dict[str, int]: ...
