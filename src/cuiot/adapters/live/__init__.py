"""The live alert stream: in this process, or shared by every worker through Redis."""

from cuiot.adapters.live.memory import InProcessAlertStream, QueueSubscription
from cuiot.adapters.live.redis import RedisAlertStream

__all__ = ["InProcessAlertStream", "QueueSubscription", "RedisAlertStream"]
