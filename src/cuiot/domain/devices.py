"""Devices that watch a cared person: what they are, whether they are heard from, and the
key they authenticate with over HTTP (only its sha256 is kept).

A device is removed (deactivated, its history kept), reactivated, moved to another
person of the same account, and given a new key. Its ``device_id`` is held by one
active device at a time: a removed device keeps it, and it may be registered again."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from cuiot.domain.care import CaredPerson
from cuiot.domain.classification import Thresholds, is_number
from cuiot.domain.errors import InvalidStateTransition, ValidationFailed
from cuiot.domain.policy import Policy
from cuiot.domain.sensor_events import DeviceType

# Safe inside an MQTT topic level: no '/', '+', '#' or spaces.
_DEVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
HEARTBEAT_KEY = "heartbeat_s"


class DeviceStatus(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    UNKNOWN = "unknown"


def hash_api_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def check_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """A device config holds threshold overrides (``Thresholds`` keys, numbers) and
    ``heartbeat_s`` (whole seconds > 0). Anything else is refused."""
    unknown = sorted(set(config) - {*Thresholds.names(), HEARTBEAT_KEY})
    if unknown:
        raise ValidationFailed(f"unknown device settings: {', '.join(unknown)}", field="config",
                               unknown=unknown)
    for key, value in config.items():
        if not is_number(value) or Decimal(str(value)) < 0:
            raise ValidationFailed(f"{key} must be a number", field=key)
    heartbeat = config.get(HEARTBEAT_KEY)
    if heartbeat is not None and (not isinstance(heartbeat, int) or heartbeat <= 0):
        raise ValidationFailed("heartbeat_s must be a whole number of seconds above 0",
                               field=HEARTBEAT_KEY)
    return dict(config)


@dataclass(eq=False)
class Device:
    """``device_id`` is the string the device uses in its MQTT topics (unique);
    ``id`` is the primary key. ``offline_due_at`` is when missed heartbeats make it
    offline (kept so that a query finds due devices without computing per row)."""

    id: UUID
    device_id: str
    name: str
    device_type: DeviceType
    cared_person_id: UUID
    api_key_hash: str
    created_at: datetime
    location: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    is_active: bool = True
    status: DeviceStatus = DeviceStatus.UNKNOWN
    last_seen_at: datetime | None = None
    battery_level: int | None = None
    offline_due_at: datetime | None = None

    def __post_init__(self) -> None:
        if not _DEVICE_ID.match(self.device_id):
            raise ValidationFailed("device_id: 1-64 letters, digits, '_', '.', ':' or '-'",
                                   field="device_id")
        self.name = _checked_name(self.name)
        self.config = check_config(self.config)

    def verify_key(self, api_key: str) -> bool:
        """Constant-time comparison of the key's sha256 with the stored one."""
        return hmac.compare_digest(hash_api_key(api_key), self.api_key_hash)

    def heartbeat(self, policy: Policy) -> timedelta:
        """Its own interval, never longer than the policy's maximum (compared as seconds,
        so an absurd stored value cannot overflow a timedelta)."""
        seconds = self.config.get(HEARTBEAT_KEY)
        if not seconds:
            return policy.heartbeat_default
        return timedelta(seconds=min(seconds, policy.heartbeat_max.total_seconds()))

    def update(self, policy: Policy, *, name: str | None = None, location: str | None = None,
               config: Mapping[str, Any] | None = None) -> None:
        """Change the given fields; ``None`` leaves a field as it is."""
        self.name = self.name if name is None else _checked_name(name)
        self.location = self.location if location is None else location
        if config is not None:
            checked = check_config(config)
            heartbeat = checked.get(HEARTBEAT_KEY)
            if heartbeat is not None and heartbeat > policy.heartbeat_max.total_seconds():
                raise ValidationFailed(
                    f"heartbeat_s may be at most {int(policy.heartbeat_max.total_seconds())} s: "
                    "a device silent for longer would go unnoticed", field=HEARTBEAT_KEY)
            self.config = checked
            self._reschedule(policy)

    def announce_heartbeat(self, seconds: int, policy: Policy) -> None:
        """The device said how often it reports (its status message)."""
        self.update(policy, config={**self.config, HEARTBEAT_KEY: seconds})

    def mark_seen(self, at: datetime, policy: Policy) -> None:
        """Heard from the device: it is online, and its heartbeat clock restarts."""
        if self.last_seen_at is None or at > self.last_seen_at:
            self.last_seen_at = at
        self.status = DeviceStatus.ONLINE
        self._reschedule(policy)

    def report_battery(self, level: Decimal) -> None:
        self.battery_level = int(level)

    def is_offline_due(self, now: datetime) -> bool:
        return (self.is_active and self.status is not DeviceStatus.OFFLINE
                and self.offline_due_at is not None and self.offline_due_at <= now)

    def mark_offline(self) -> bool:
        """True when this changes the status (an offline device is reported only once)."""
        if self.status is DeviceStatus.OFFLINE:
            return False
        self.status, self.offline_due_at = DeviceStatus.OFFLINE, None
        return True

    def deactivate(self) -> None:
        if not self.is_active:
            raise InvalidStateTransition("device", "inactive", "remove")
        self.is_active, self.offline_due_at = False, None

    def ensure_removed(self) -> None:
        """Only a removed device comes back (checked before the gates it then passes)."""
        if self.is_active:
            raise InvalidStateTransition("device", "active", "reactivate")

    def reactivate(self) -> None:
        """In service again, with its key, config and history. Nothing is known of it
        until it is heard from: its status is unknown and no heartbeat is awaited."""
        self.ensure_removed()
        self.is_active = True
        self.status, self.offline_due_at = DeviceStatus.UNKNOWN, None

    def ensure_may_move(self, source: CaredPerson, target: CaredPerson) -> None:
        """Only an active device moves, to another person of the same account."""
        if not self.is_active:
            raise InvalidStateTransition("device", "inactive", "move")
        if source.id != self.cared_person_id:
            raise ValueError("source is not the person the device watches")
        if target.id == source.id:
            raise InvalidStateTransition("device", "already watching that person", "move")
        if target.account_id != source.account_id:
            raise ValidationFailed("a device moves only to another person of the same account",
                                   field="cared_person_id")

    def move(self, source: CaredPerson, target: CaredPerson) -> None:
        """Watch ``target`` from now on: what it reports from now on is theirs (alerts
        included); what it reported, and the alerts it opened, stay with ``source``."""
        self.ensure_may_move(source, target)
        self.cared_person_id = target.id

    def rekey(self, api_key: str) -> None:
        """A new key: the old one stops working at once (only the sha256 is kept)."""
        self.api_key_hash = hash_api_key(api_key)

    def _reschedule(self, policy: Policy) -> None:
        if self.last_seen_at is not None and self.status is DeviceStatus.ONLINE:
            missed = policy.heartbeats_missed_for_offline
            self.offline_due_at = self.last_seen_at + missed * self.heartbeat(policy)


def holder_of(devices: Iterable[Device]) -> Device | None:
    """Of the devices registered with one ``device_id``, the one it names: the active
    one, else the last registered (a removed device, refused as such)."""
    return max(devices, key=lambda d: (d.is_active, d.created_at, d.id.int), default=None)


def _checked_name(name: str) -> str:
    if not name or not name.strip():
        raise ValidationFailed("a device needs a name", field="name")
    return name.strip()
