"""Repository ports of the safety pipeline: devices, sensor events, alerts, outbox.

``cared_person_ids=None`` in a list method means every cared person (admins)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from cuiot.application.shared.ports import RandomSource
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.notifications import Channel, DeliveryStatus, Notification

if TYPE_CHECKING:
    from cuiot.domain.ack_links import AckLink
    from cuiot.domain.alerts import Alert, AlertStatus
    from cuiot.domain.coverage import CoverageInputs, CoverageRecord, Deliveries
    from cuiot.domain.devices import Device, DeviceStatus
    from cuiot.domain.sensor_events import DeviceType, EventType, SensorEvent, Severity
from collections.abc import AsyncIterator
from typing import Self

from cuiot.domain.device_commands import CommandStatus, DeviceCommand
from cuiot.domain.rejections import RejectedMessage


class DeviceRepository(Protocol):
    async def get(self, device_pk: UUID) -> Device | None: ...

    async def add(self, device: Device) -> None: ...

    async def count_active_for_cared_persons(self, cared_person_ids: Iterable[UUID]) -> int:
        """Active devices watching any of these cared persons (package usage)."""
        ...

    async def get_by_device_id(self, device_id: str) -> Device | None:
        """The device this MQTT ``device_id`` names: the active one, else the last one
        registered (removed devices keep theirs; ``devices.holder_of``)."""
        ...

    async def list_active_of_type(self, device_type: DeviceType, offset: int = 0,
                                  limit: int = 100) -> list[Device]:
        """Active devices of one type, oldest registration first."""
        ...

    async def list_offline_due(self, now: datetime, limit: int = 100) -> list[Device]:
        """Active devices not yet offline whose ``offline_due_at`` is at or before ``now``."""
        ...


class SensorEventRepository(Protocol):
    async def add(self, event: SensorEvent) -> None: ...

    async def stored_bytes_for_cared_persons(self, cared_person_ids: Iterable[UUID]) -> int:
        """Bytes of sensor data stored for these cared persons (package usage)."""
        ...

    async def get_by_msg_id(self, device_pk: UUID, msg_id: str) -> SensorEvent | None:
        """The event a device's message produced, if that message was seen before."""
        ...

    async def latest_of_type_for_cared_person(self, cared_person_id: UUID,
                                              event_type: EventType) -> SensorEvent | None:
        """The newest event (by timestamp) of this type for the cared person."""
        ...


class AlertRepository(Protocol):
    async def get(self, alert_id: UUID) -> Alert | None:
        """The alert, held for this unit of work (SQL: ``FOR UPDATE``): to change it."""
        ...

    async def get_many(self, alert_ids: Iterable[UUID]) -> dict[UUID, Alert]:
        """Those that exist, by id, held as ``get`` holds one, in one statement."""
        ...

    async def add(self, alert: Alert) -> None: ...

    async def get_open(self, cared_person_id: UUID, device_pk: UUID,
                       alert_type: str) -> Alert | None:
        """The alert not yet resolved for this person, device and type, if any."""
        ...

    async def list_due_for_escalation(self, now: datetime, limit: int = 100) -> list[Alert]:
        """Pending or sent alerts with ``next_escalation_at`` at or before ``now``, most
        overdue first. SQL: ``FOR UPDATE SKIP LOCKED`` so workers never share one."""
        ...


class NotificationRepository(Protocol):
    async def get(self, notification_id: UUID) -> Notification | None: ...

    async def add(self, notification: Notification) -> None: ...

    async def list_due(self, now: datetime, limit: int = 100) -> list[Notification]:
        """Pending rows whose ``next_attempt_at`` is at or before ``now``, longest waiting
        first. SQL: ``FOR UPDATE SKIP LOCKED`` so two dispatchers never send one row."""
        ...

    async def list_queued_about(self, user_id: UUID,
                                cared_person_ids: Collection[UUID]) -> list[Notification]:
        """The user's pending rows about alerts of these persons, held for this unit of
        work. SQL: ``FOR UPDATE``, waiting for a dispatcher delivering one, so a row sent
        meanwhile is not among them."""
        ...


@dataclass(frozen=True, slots=True)
class WatchedDevice:
    """A device as the ingest path needs it: with its cared person's own thresholds, and
    whether that person is watched over (not deactivated)."""

    device: Device
    person_thresholds: Mapping[str, Any]
    person_active: bool = True


class IngestRepository(Protocol):
    """The batch path of device messages: one statement per step, whatever the batch's
    size. Entities written here are not tracked by the unit of work: each method writes
    what it is given, within the unit of work's transaction."""

    async def devices_by_device_id(self, device_ids: Collection[str]) -> dict[str, WatchedDevice]:
        """The device each MQTT id names (``devices.holder_of``: the active one, else
        the last registered), by id; unknown ids are left out. The rows are held until
        the unit of work ends, taken in id order, as a coverage pass takes its devices
        (``commands/coverage.py``)."""
        ...

    async def claim_messages(self, events: Sequence[SensorEvent]) -> set[tuple[UUID, str]]:
        """Record each event's ``(device_pk, msg_id)`` unless the database holds it already
        (from any worker): the keys returned are those claimed now, the rest were seen."""
        ...

    async def add_events(self, events: Sequence[SensorEvent]) -> None: ...

    async def save_device_states(self, devices: Sequence[Device]) -> None:
        """Write what hearing from a device changes: status, last seen, offline due,
        battery."""
        ...

    async def record_activity(self, latest: Mapping[UUID, datetime]) -> None:
        """Cared person → time of their latest motion; as ``CaredPerson.record_activity``,
        an earlier time never replaces a later one (even one another worker wrote)."""
        ...


class DeviceCommandRepository(Protocol):
    async def add(self, command: DeviceCommand) -> None: ...

    async def get(self, command_id: UUID) -> DeviceCommand | None:
        """The command, held for this unit of work (a reply, the sender and the expiry
        job never overwrite each other's change)."""
        ...

    async def list_expired(self, now: datetime, limit: int = 100) -> list[DeviceCommand]:
        """Pending or sent commands whose ``timeout_at`` is at or before ``now``, oldest
        deadline first; rows another worker holds are skipped."""
        ...


class CommandNotDelivered(Exception):
    """The broker could not be given the command; ``reason`` says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DeviceCommandGateway(Protocol):
    async def publish(self, device_id: str, command_id: str, command: str,
                      params: dict[str, Any]) -> None:
        """Hand the command to the broker for the device whose MQTT id is ``device_id``
        (returns once the broker has it), or raise ``CommandNotDelivered``."""
        ...


AlertChange = dict[str, Any]  # {"change": "opened", "alert": {...the alert's JSON...}}


class AlertSubscription(Protocol):
    """What one listener receives, in publication order, until it is closed; iterating
    ends once it is closed (or dropped for falling too far behind)."""

    def __aiter__(self) -> AsyncIterator[AlertChange]: ...

    async def close(self) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc_info: object) -> None: ...


class AlertStream(Protocol):
    async def publish(self, alert_change: AlertChange) -> None:
        """Hand a change to every subscription, in this process or (shared) in all."""
        ...

    async def subscribe(self) -> AlertSubscription:
        """A new subscription, already receiving when this returns."""
        ...

    async def close(self) -> None:
        """Stop: every subscription ends. Idempotent."""
        ...


class DeliveryFailed(Exception):
    """A channel could not deliver a notification; ``reason`` says why in one line,
    never with a secret or the message's contents."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ChannelSender(Protocol):
    async def send(self, notification: Notification) -> None:
        """Deliver it now, or raise ``DeliveryFailed`` with the reason."""
        ...


# What a push may carry besides its text: ids and words of the alert, never more (no
# name, no medical detail: a lock screen shows it, and the push service keeps it). The
# device's id lets an app show which device spoke, as the payload always said.
PUSH_DATA_KEYS = ("alert_id", "cared_person_id", "device_id", "alert_type", "severity",
                  "level", "reason")


@dataclass(frozen=True, slots=True)
class PushMessage:
    """One push to one phone, in the terms every push service shares."""

    notification_id: UUID
    token: str  # the phone's registration token
    title: str
    body: str
    data: Mapping[str, str]  # string values only (FCM's rule)

    @classmethod
    def of(cls, notification: Notification) -> PushMessage:
        payload = notification.payload
        data = {key: str(payload[key]) for key in PUSH_DATA_KEYS if payload.get(key) is not None}
        return cls(notification.id, notification.address, notification.subject,
                   notification.body, {"notification_id": str(notification.id), **data})


class PushProvider(Protocol):
    """A push service (FCM, or a webhook in front of one)."""

    async def push(self, message: PushMessage) -> None:
        """Hand the message to the service for its phone, or raise ``DeliveryFailed``."""
        ...


class OutboxSignal(Protocol):
    """Wakes the outbox dispatchers. The unit of work rings it once a commit that wrote
    notification rows has succeeded, so their first delivery does not wait for the
    dispatcher's next tick (which stays, for retries and for a ring that was missed)."""

    async def ring(self) -> None:
        """New rows are due. Best effort: a ring that is lost (or raises, which the unit
        of work logs) only delays their delivery to the dispatcher's next tick."""
        ...


class RejectedMessageRepository(Protocol):
    async def add(self, message: RejectedMessage) -> None: ...


# -- the read side: read models and the views that answer them (one SQL statement each) --

@dataclass(frozen=True, slots=True)
class AlertView:
    """An alert as reads show it, with its person's and device's names joined in."""

    id: UUID
    alert_type: str
    severity: Severity
    status: AlertStatus
    escalation_level: int
    occurrences: int
    cared_person_id: UUID
    cared_person_name: str
    device_pk: UUID
    device_id: str
    device_name: str
    created_at: datetime
    last_event_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: UUID | None
    resolved_at: datetime | None
    resolved_by: UUID | None
    # Acknowledged from a notification: its channel, and the address it went to, masked.
    acknowledged_via: str | None = None
    acknowledged_recipient: str | None = None


@dataclass(frozen=True, slots=True)
class EventView:
    """A sensor event as reads show it, with its device's registered id and the names of
    its device and person joined in."""

    id: UUID
    event_type: EventType
    severity: Severity
    device_pk: UUID
    device_id: str
    cared_person_id: UUID
    timestamp: datetime
    received_at: datetime
    sensor_data: Mapping[str, Any]
    alert_id: UUID | None
    device_name: str
    cared_person_name: str


@dataclass(frozen=True, slots=True)
class AlertFilter:
    status: AlertStatus | None = None
    severity: Severity | None = None
    cared_person_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class EventFilter:
    cared_person_id: UUID | None = None
    severity: Severity | None = None
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class DeviceLabel:
    """What reads name a device and its person by."""

    device_id: str
    device_name: str
    cared_person_name: str


class AudienceViews(Protocol):
    """Which cared persons a viewer may see (the access rule, as SQL)."""

    async def may_see_person(self, viewer: Viewer, cared_person_id: UUID, today: date) -> bool:
        ...

    async def visible_person_ids(self, viewer: Viewer, today: date) -> frozenset[UUID]:
        """Every person the viewer may see (for an admin: every person)."""
        ...


class LiveAudience(AudienceViews, Protocol):
    """What the live stream checks, each answer read in a transaction of its own (a
    WebSocket lives for hours: it holds no transaction open)."""

    async def viewer(self, user_id: UUID, now: datetime) -> Viewer | None:
        """The user with their roles active at ``now``; None if unknown or inactive."""
        ...


class AlertViews(AudienceViews, Protocol):
    async def page(self, viewer: Viewer, today: date, only: AlertFilter,
                   window: Window) -> list[AlertView]:
        """Alerts of the persons the viewer may see, newest first: ``window.limit + 1``."""
        ...

    async def one(self, viewer: Viewer, today: date, alert_id: UUID) -> AlertView | None:
        """The alert, if the viewer may see its person."""
        ...

    async def of_ids(self, alert_ids: Collection[UUID]) -> list[AlertView]:
        """These alerts as they stand (the live stream, which checks access itself)."""
        ...

    async def label(self, device_pk: UUID) -> DeviceLabel | None: ...


class EventViews(AudienceViews, Protocol):
    async def page(self, viewer: Viewer, today: date, only: EventFilter,
                   window: Window) -> list[EventView]:
        """Events of the persons the viewer may see, newest first: ``window.limit + 1``."""
        ...

    async def of_device(self, viewer: Viewer, today: date, device_pk: UUID,
                        window: Window) -> list[EventView]:
        """A device's events, newest first, if the viewer may see its person."""
        ...

    async def may_see_device(self, viewer: Viewer, device_pk: UUID, today: date) -> bool: ...


# -- devices, their commands and rejected messages, as reads show them -------------------

@dataclass(frozen=True, slots=True)
class DeviceView:
    """A device as people see it (never its key's hash)."""

    id: UUID
    device_id: str
    name: str
    device_type: DeviceType
    cared_person_id: UUID
    location: str | None
    config: Mapping[str, Any]
    is_active: bool
    status: DeviceStatus
    last_seen_at: datetime | None
    battery_level: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DeviceCommandView:
    id: UUID
    device_pk: UUID
    command: str
    params: Mapping[str, Any]
    status: CommandStatus
    requested_by: UUID
    created_at: datetime
    timeout_at: datetime
    sent_at: datetime | None
    completed_at: datetime | None
    result: Mapping[str, Any]
    reply_ok: bool | None
    replied_at: datetime | None

    @property
    def replied_late(self) -> bool:
        """As ``DeviceCommand.replied_late``: answered only after it had timed out."""
        return self.status is CommandStatus.TIMED_OUT and self.replied_at is not None


# What a list shows of each rejected payload (a hostile device may send 64 KiB of it):
# its first characters, and how many it had.
LISTED_PAYLOAD_CHARS = 1024


@dataclass(frozen=True, slots=True)
class RejectedMessageView:
    id: UUID
    received_at: datetime
    source: str
    topic: str
    device_id: str | None
    reason: str
    detail: str
    payload: str  # its first ``LISTED_PAYLOAD_CHARS`` characters
    payload_chars: int  # how many characters were kept of it


@dataclass(frozen=True, slots=True)
class RejectedMessageFilter:
    """Which rejected messages a list shows: of a device (the id its message named), for
    a reason, received from ``since`` (inclusive) until ``until`` (exclusive)."""

    device_id: str | None = None
    reason: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class DeviceViews(Protocol):
    async def may_see_person(self, viewer: Viewer, cared_person_id: UUID, today: date) -> bool:
        ...

    async def page(self, viewer: Viewer, today: date, cared_person_id: UUID | None,
                   window: Window) -> list[DeviceView]:
        """Devices (active or not) of the persons the viewer may see (or of one of them),
        oldest registration first: ``window.limit + 1`` rows at most."""
        ...

    async def one(self, viewer: Viewer, today: date, device_pk: UUID) -> DeviceView | None:
        """The device, if the viewer may see its person."""
        ...

    async def command(self, viewer: Viewer, today: date, device_pk: UUID,
                      command_id: UUID) -> DeviceCommandView | None:
        """A command sent to that device, if the viewer may see the device's person."""
        ...


class RejectedMessageViews(Protocol):
    async def page(self, only: RejectedMessageFilter,
                   window: Window) -> list[RejectedMessageView]:
        """Newest first: ``window.limit + 1`` rows at most, those ``only`` names."""
        ...

    async def count_by_reason(self) -> dict[str, int]: ...


# -- protection state (coverage) ----------------------------------------------------------

class CoverageRepository(Protocol):
    """What evaluating coverage reads and keeps (``commands/coverage.py``)."""

    async def person_ids_after(self, after: UUID | None, limit: int) -> list[UUID]:
        """Cared persons' ids in order, after ``after`` (the first page when None)."""
        ...

    async def hold(self, cared_person_ids: Collection[UUID],
                   at: datetime) -> dict[UUID, CoverageRecord]:
        """Each person's last known state, made (protected, at ``at``) where there is
        none, and held for this unit of work (SQL: ``FOR UPDATE``): two evaluations of
        one person, a check and a device going offline, never both see one lapse."""
        ...

    async def active_devices(self, cared_person_ids: Collection[UUID]
                             ) -> dict[UUID, list[Device]]:
        """Each person's active devices, oldest registration first."""
        ...

    async def deliveries(self, cared_person_ids: Collection[UUID],
                         since: datetime) -> dict[UUID, Deliveries]:
        """What became of the notifications of each person's alerts created since
        ``since`` (persons with none are left out)."""
        ...


class CoverageViews(Protocol):
    async def inputs(self, viewer: Viewer, cared_person_id: UUID, today: date,
                     since: datetime) -> CoverageInputs | None:
        """What evaluating the person's coverage looks at, as ``commands/coverage.py``
        gathers it, if the viewer may see the person (else None): one statement."""
        ...


# -- an alert's deliveries: who was told, by which channel, and how it went ---------------

@dataclass(frozen=True, slots=True)
class DeliveryView:
    """One outbox row of an alert. ``address`` is as stored; the query masks it."""

    id: UUID
    channel: Channel
    address: str
    recipient_user_id: UUID | None
    recipient_name: str | None
    escalation_level: int | None
    created_at: datetime
    status: DeliveryStatus
    attempts: int
    sent_at: datetime | None


class DeliveryViews(Protocol):
    async def of_alert(self, viewer: Viewer, today: date, alert_id: UUID,
                       window: Window) -> list[DeliveryView] | None:
        """The alert's rows, oldest first (``window.limit + 1`` at most), in one
        statement; None when the viewer may not see the alert (or it does not exist)."""
        ...


# -- acknowledgement links (``domain/ack_links.py``) ---------------------------------------

@dataclass(frozen=True, slots=True)
class AckLinkSource:
    """What gives alert notifications their acknowledgement links: a secure random
    source for their secrets, and CUIOT's public address, where they open. The container
    gives one to every unit of work it makes; a unit of work without one (most tests')
    writes notifications without links."""

    rng: RandomSource
    public_url: str


class AckLinkRepository(Protocol):
    async def add(self, link: AckLink) -> None: ...

    async def get_by_token_hash(self, token_hash: str) -> AckLink | None:
        """The link with this secret, held for this unit of work (SQL: ``FOR UPDATE``)."""
        ...

    async def get_open_by_reply_key(self, code_hash: str, now: datetime) -> AckLink | None:
        """The newest link an SMS reply with this key names, unused and not expired at
        ``now``, held as ``get_by_token_hash`` holds one."""
        ...

    async def code_in_use(self, code_hash: str, now: datetime) -> bool:
        """Whether an open link (unused, not expired at ``now``), stored or added in
        this unit of work, has this key: a phone's codes are unique among its open links."""
        ...

    async def has_newer(self, link: AckLink) -> bool:
        """Whether a later link of the same alert went to the same recipient on the same
        channel."""
        ...

    async def list_open_about(self, user_id: UUID, cared_person_ids: Collection[UUID],
                              now: datetime) -> list[AckLink]:
        """The user's links, unused and not expired at ``now``, to alerts of these persons
        that nobody acknowledged or resolved, held as ``get_by_token_hash`` holds one."""
        ...


# -- what a cared person or a user leaves in the safety records (``shared/lifecycle.py``) --

class PersonalRecords(Protocol):
    """The safety records that speak of one cared person or one user, for deactivating
    (what is still open or queued) and erasing (what they hold of them) at once."""

    async def open_alerts_of(self, cared_person_id: UUID) -> list[Alert]:
        """The person's alerts not yet resolved, held for this unit of work. Their
        devices are held first (the order an ingest batch takes them in), so an alert a
        batch is opening now is committed, and found, before this returns."""
        ...

    async def queued_notifications(self, *, cared_person_id: UUID | None = None,
                                   user_id: UUID | None = None) -> list[Notification]:
        """Outbox rows still pending, of the person's alerts or to this user, held for
        this unit of work (a row a dispatcher is delivering is waited for, then left
        out once sent)."""
        ...

    async def erase_cared_person(self, cared_person_id: UUID) -> dict[str, int]:
        """Erase what the stored records hold of the person (readings' values, the texts
        and contacts' addresses of their alerts' notifications and links); how many rows
        of each kind were changed."""
        ...

    async def erase_user(self, user_id: UUID, email: str) -> dict[str, int]:
        """Erase what the stored records hold of the user (the addresses their
        notifications and links went to, their email in referrals, replaced by
        ``email``); how many rows of each kind were changed."""
        ...
