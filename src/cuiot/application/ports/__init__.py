"""Ports: what the application needs from outside, as ``typing.Protocol``s named by role."""

from cuiot.application.ports.common import (
    Clock,
    EventPublisher,
    IdGenerator,
    PasswordHasher,
    RandomSource,
)

__all__ = ["Clock", "EventPublisher", "IdGenerator", "PasswordHasher", "RandomSource"]
