"""Short-lived shared state: rate limits and the token revocation list.

``memory`` keeps it in this process (one worker, tests); ``redis`` keeps it in Redis so
that every worker shares one budget and one revocation list. Both give the same answers.
"""

from cuiot.adapters.cache.memory import InMemoryRateLimiter, InMemoryRevocationList

__all__ = ["InMemoryRateLimiter", "InMemoryRevocationList"]
