"""The live alert stream: its journal of alert changes, and the stream in each process."""

from cuiot.adapters.live.memory import InProcessAlertStream, QueueSubscription

__all__ = ["InProcessAlertStream", "QueueSubscription"]
