"""bcrypt password hashing, off the event loop (bcrypt releases the GIL)."""

from __future__ import annotations

import asyncio

import bcrypt


class BcryptPasswordHasher:
    def __init__(self, rounds: int = 12) -> None:
        self._rounds = rounds

    async def hash(self, password: str) -> str:
        secret = password.encode("utf-8")
        if len(secret) > 72:  # bcrypt would silently ignore the rest
            raise ValueError("bcrypt reads at most 72 bytes of a password")
        salt = bcrypt.gensalt(self._rounds)
        hashed = await asyncio.to_thread(bcrypt.hashpw, secret, salt)
        return hashed.decode("ascii")

    async def verify(self, password: str, hashed: str) -> bool:
        secret = password.encode("utf-8")
        if len(secret) > 72:
            return False
        try:
            return await asyncio.to_thread(bcrypt.checkpw, secret, hashed.encode("ascii"))
        except ValueError:
            return False
