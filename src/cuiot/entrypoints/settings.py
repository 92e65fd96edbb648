"""Operator settings: environment variables with the ``CUIOT_`` prefix.

Each field's ``description`` and first example are the reference in
``docs/configuration.md`` and ``.env.example`` (``python -m cuiot.entrypoints.settings_doc``).
A value no part of CUIOT could use is refused here, before anything starts.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import timedelta
from types import MappingProxyType
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from cuiot.adapters.mqtt.client import BrokerAddress
from cuiot.adapters.mqtt.envelope import DEFAULT_MAX_PAYLOAD_BYTES
from cuiot.adapters.notifications.smtp import SmtpTarget
from cuiot.adapters.notifications.webhook import is_http_url
from cuiot.adapters.persistence.database import check_url
from cuiot.domain.policy import DEFAULT_POLICY, Policy

SEVERITIES_THAT_ESCALATE = tuple(DEFAULT_POLICY.escalation_timeouts)  # the domain says which
DEFAULT_TIMEOUTS = ",".join(f"{name}={int(wait.total_seconds())}"
                            for name, wait in DEFAULT_POLICY.escalation_timeouts.items())


def parse_escalation_timeouts(text: str) -> dict[str, int]:
    """``critical=10`` → seconds for the severities named; the others keep the domain's."""
    timeouts: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, seconds = (s.strip() for s in part.partition("="))
        if name not in SEVERITIES_THAT_ESCALATE or not seconds.isdecimal():
            raise ValueError(f"expected severity=seconds, severity one of "
                             f"{', '.join(SEVERITIES_THAT_ESCALATE)}; got {part!r}")
        if name in timeouts:
            raise ValueError(f"{name} is given twice")
        if int(seconds) <= 0:
            raise ValueError(f"{name} timeout must be at least 1 second")
        timeouts[name] = int(seconds)
    return timeouts


class Settings(BaseSettings):
    # An empty variable counts as unset: ``CUIOT_SMTP_URL=`` means no SMTP.
    model_config = SettingsConfigDict(env_prefix="CUIOT_", extra="ignore",
                                      env_ignore_empty=True)

    database_url: str = Field(
        default="sqlite+aiosqlite:///./cuiot.db",
        description="Where the data lives: a SQLite file (nothing to install) or PostgreSQL. "
                    "A relative SQLite path is taken from the folder the command runs in.",
        examples=["postgresql+asyncpg://cuiot:secret@db:5432/cuiot"])
    database_read_url: str | None = Field(
        default=None,
        description="A replica for the API's reads (lists and details); commands still "
                    "write to CUIOT_DATABASE_URL. Unset: reads go to the primary.",
        examples=["postgresql+asyncpg://cuiot:secret@replica:5432/cuiot"])
    redis_url: str | None = Field(
        default=None,
        description="Redis, shared by every process: rate limits, token revocations, and "
                    "on SQLite the wake-ups of the outbox and of the live alert stream. Set "
                    "it with `serve --workers N` or several `cuiot worker`. Unset: each "
                    "process keeps its own limits and revocations.",
        examples=["redis://127.0.0.1:6379/0"])
    redis_prefix: str = Field(
        default="cuiot:",
        description="Prefix of every Redis key CUIOT writes, so installations can share "
                    "one Redis.",
        examples=["cuiot-staging:"])
    mqtt_url: str | None = Field(
        default=None,
        description="The MQTT broker devices publish to: `mqtt://[user:password@]host[:port]`"
                    ", `mqtts://…` for TLS, or `off` for no MQTT at all. Unset: the broker "
                    "`cuiot serve` embeds, on 127.0.0.1:CUIOT_MQTT_EMBEDDED_PORT.",
        examples=["mqtt://broker:1883"])
    mqtt_shared_group: str | None = Field(
        default=None,
        description="With an external MQTT 5 broker, consumers in this shared-subscription "
                    "group split the messages between them. Unset: each consumer gets all.",
        examples=["cuiot"])
    mqtt_client_id: str = Field(
        default="cuiot-consumer",
        description="The consumer's MQTT client id: the broker keeps its persistent session "
                    "(messages that arrive while CUIOT is down) under it. One per consumer.",
        examples=["cuiot-consumer-2"])
    mqtt_embedded_port: int = Field(
        default=1883, ge=1, le=65_535,
        description="Port of the broker `cuiot serve` embeds when CUIOT_MQTT_URL is unset; "
                    "choose another when something (e.g. Mosquitto) already uses 1883.",
        examples=["1884"])
    max_mqtt_payload_bytes: int = Field(
        default=DEFAULT_MAX_PAYLOAD_BYTES, gt=0, le=268_435_455,
        description="The largest MQTT payload a device may send, in bytes: a larger one is "
                    "rejected before it is read (reason `payload_too_large`), kept for "
                    "inspection and counted, and the messages behind it go on.",
        examples=["16384"])
    worker_metrics_port: int | None = Field(
        default=None, ge=0, le=65_535,
        description="Port on which `cuiot worker` (and the pipeline process of `cuiot serve "
                    "--workers N`) serves its Prometheus metrics at `/metrics`: messages "
                    "accepted and rejected, escalations, deliveries. Unset or 0: none (`cuiot "
                    "serve` alone counts the pipeline in its own `/metrics`). One port per "
                    "worker on the same host.",
        examples=["9464"])
    worker_metrics_host: str = Field(
        default="127.0.0.1", min_length=1,
        description="Address the worker's metrics port listens on; `0.0.0.0` (or `::`) lets "
                    "a Prometheus on another host scrape it.",
        examples=["0.0.0.0"])
    device_command_timeout_seconds: int = Field(
        default=30, gt=0, le=86_400,
        description="How long a command sent to a device waits for its reply before it "
                    "counts as timed out.",
        examples=["60"])
    jwt_secret: str | None = Field(
        default=None, repr=False, min_length=32,
        description="Key that signs access and refresh tokens, at least 32 characters, the "
                    "same in every process. Unset: one is generated once and kept in "
                    "`.cuiot-jwt-secret` beside the database, with a warning; set it in "
                    "production (`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`).",
        examples=["change-me-to-48-random-characters-from-token-urlsafe"])
    bcrypt_rounds: int = Field(
        default=12, ge=4, le=31,
        description="Cost of password hashing (bcrypt), from 4 to 31: each step doubles the "
                    "time a login takes.",
        examples=["13"])
    access_token_minutes: int = Field(
        default=30, gt=0,
        description="Minutes an access token is valid.",
        examples=["15"])
    refresh_token_days: int = Field(
        default=7, gt=0,
        description="Days a refresh token is valid.",
        examples=["30"])
    rate_limit_per_minute: int = Field(
        default=60, gt=0,
        description="Requests a minute the API accepts from one client address before it "
                    "answers 429 (per process unless CUIOT_REDIS_URL is set).",
        examples=["120"])
    max_body_bytes: int = Field(
        default=1_048_576, gt=0, le=1_073_741_824,
        description="The largest HTTP request body accepted, in bytes: a larger one is "
                    "answered 413 before it is read (at once when Content-Length announces "
                    "it).",
        examples=["262144"])
    smtp_url: str | None = Field(
        default=None, repr=False,
        description="Mail server for email notifications: `smtp://user:password@host:port` "
                    "(port 25), `?starttls=1` to upgrade with STARTTLS, `smtps://…` for TLS "
                    "(port 465), `&from=…` for the sender; user and password percent-encoded. "
                    "Unset: emails go to the log.",
        examples=["smtp://alertas%40example.com:secret@smtp.example.com:587?starttls=1"])
    webhook_secret: str | None = Field(
        default=None, repr=False, min_length=16,
        description="Key that signs webhook, SMS and push deliveries "
                    "(`X-CUIOT-Signature: sha256=<HMAC of the body>`), at least 16 "
                    "characters. Unset: deliveries go unsigned.",
        examples=["change-me-to-a-long-random-string"])
    sms_webhook_url: str | None = Field(
        default=None, repr=False,
        description="An http(s) endpoint that sends SMS: CUIOT POSTs each SMS notification "
                    "to it as JSON. Unset: SMS go to the log.",
        examples=["https://sms.example.com/cuiot"])
    push_webhook_url: str | None = Field(
        default=None, repr=False,
        description="With CUIOT_PUSH_PROVIDER=webhook, an http(s) endpoint that sends push "
                    "notifications: CUIOT POSTs each one (the phone's token, title, text, "
                    "alert ids) to it as JSON. Unset: push notifications go to the log.",
        examples=["https://push.example.com/cuiot"])
    push_provider: Literal["webhook", "fcm"] = Field(
        default="webhook",
        description="Who delivers push notifications to the phones users registered: "
                    "`webhook` (CUIOT_PUSH_WEBHOOK_URL) or `fcm`, Firebase Cloud Messaging's "
                    "HTTP v1 API (CUIOT_FCM_URL and CUIOT_FCM_TOKEN).",
        examples=["fcm"])
    fcm_url: str | None = Field(
        default=None,
        description="With CUIOT_PUSH_PROVIDER=fcm, FCM's messages:send endpoint for your "
                    "Firebase project.",
        examples=["https://fcm.googleapis.com/v1/projects/cuiot-prod/messages:send"])
    fcm_token: str | None = Field(
        default=None, repr=False,
        description="With CUIOT_PUSH_PROVIDER=fcm, the OAuth 2.0 access token sent as "
                    "`Authorization: Bearer …` (a service account's, with the "
                    "firebase.messaging scope; Google's tokens last an hour, so renew it "
                    "and restart, or put a refreshing proxy at CUIOT_FCM_URL).",
        examples=["ya29.c.b0Aaekm1K…"])
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The address people reach CUIOT at, as they type it in a browser "
                    "(scheme, host, port and any path prefix, no query): each alert "
                    "notification's acknowledgement link opens `<this>/ack/…`.",
        examples=["https://cuiot.example.com"])
    sms_inbound_secret: str | None = Field(
        default=None, repr=False, min_length=16,
        description="Key that SMS replies posted to `/api/v1/sms/inbound` are signed with "
                    "(`X-CUIOT-Signature: sha256=<HMAC of the body>`), at least 16 "
                    "characters. Unset: that endpoint refuses every request.",
        examples=["change-me-to-another-long-random-string"])
    notification_timeout_seconds: float = Field(
        default=10.0, gt=0, allow_inf_nan=False,
        description="Seconds one delivery (an email, a webhook POST) may take before it "
                    "counts as a failed attempt, retried later.",
        examples=["5"])
    dispatch_tick_seconds: float = Field(
        default=1.0, gt=0, allow_inf_nan=False,
        description="Seconds between the dispatcher's own looks for notifications due: "
                    "retries after their backoff, and what a lost wake-up left behind.",
        examples=["2"])
    escalation_timeouts: str | None = Field(
        default=None,
        description="Seconds an unacknowledged alert waits at each step before it climbs "
                    "to the next level of people, per severity: `severity=seconds`, "
                    "comma-separated, for any of "
                    f"{', '.join(SEVERITIES_THAT_ESCALATE)}; the severities left out keep "
                    f"their defaults ({DEFAULT_TIMEOUTS}).",
        examples=["critical=10"])
    scheduler_tick_seconds: float = Field(
        default=1.0, gt=0, allow_inf_nan=False,
        description="Seconds between the scheduler's rounds: escalation, silent devices, "
                    "inactivity and the daily jobs (billing, referral expiry).",
        examples=["5"])
    timezone: str = Field(
        default="America/Argentina/Buenos_Aires",
        description="The IANA time zone CUIOT's local days and hours are counted in: "
                    "billing days, referral deadlines, the daytime window of inactivity "
                    "checks.",
        examples=["America/Argentina/Cordoba"])
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Web origins (`scheme://host[:port]`) whose pages may call the API, "
                    "comma-separated; `*` for any. Unset: none.",
        examples=["https://app.example.com,http://localhost:5173"])
    log_format: Literal["text", "json"] = Field(
        default_factory=lambda: "text" if sys.stderr.isatty() else "json",
        description="`text` for people or `json` (one object a line) for log collectors. "
                    "Unset: text on a terminal, json otherwise.",
        examples=["json"], json_schema_extra={"shown_default": "text on a terminal, else json"})

    @field_validator("database_url", "database_read_url")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value is not None:
            check_url(value)
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
            raise ValueError("expected redis://host:port/db, rediss://… (TLS) or unix://path")
        return value

    @field_validator("mqtt_url")
    @classmethod
    def _mqtt(cls, value: str | None) -> str | None:
        try:
            if value not in (None, "off"):
                BrokerAddress.parse(value)
        except ValueError:
            raise ValueError("expected mqtt://[user:password@]host[:port], mqtts://… or off"
                             ) from None
        return value

    @field_validator("mqtt_shared_group")
    @classmethod
    def _share_name(cls, value: str | None) -> str | None:
        if value is not None and any(c in value for c in "/+#"):
            raise ValueError("a shared group name may not hold '/', '+' or '#'")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp(cls, value: str | None) -> str | None:
        try:
            if value is not None:
                SmtpTarget.from_url(value)
        except ValueError:
            raise ValueError("expected smtp://user:password@host:port or smtps://…") from None
        return value

    @field_validator("sms_webhook_url", "push_webhook_url", "fcm_url")
    @classmethod
    def _webhook(cls, value: str | None) -> str | None:
        if value is not None and not is_http_url(value):
            raise ValueError("expected an http:// or https:// URL")
        return value

    @model_validator(mode="after")
    def _fcm_complete(self) -> Settings:
        if self.push_provider == "fcm" and not (self.fcm_url and self.fcm_token):
            raise ValueError("CUIOT_PUSH_PROVIDER=fcm needs CUIOT_FCM_URL and CUIOT_FCM_TOKEN; "
                             "for example CUIOT_FCM_URL=https://fcm.googleapis.com/v1/"
                             "projects/<project>/messages:send")
        return self

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if not is_http_url(value) or parts.query or parts.fragment:
            raise ValueError("expected http(s)://host[:port][/path], with no query")
        return value.rstrip("/")

    @field_validator("escalation_timeouts")
    @classmethod
    def _valid_timeouts(cls, value: str | None) -> str | None:
        if value is not None:
            parse_escalation_timeouts(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("expected an IANA time zone such as America/Argentina/Buenos_Aires"
                             ) from None
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip() for o in value.split(",") if o.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            parts = urlsplit(origin)
            if origin != "*" and (parts.scheme not in {"http", "https"} or not parts.hostname
                                  or parts.path or parts.query):
                raise ValueError(f"{origin!r} is not an origin: expected scheme://host[:port]"
                                 " (no path), or *")
        return value

    def policy(self) -> Policy:
        """The business defaults, with what operators may override applied."""
        overrides = parse_escalation_timeouts(self.escalation_timeouts or "")
        timeouts = MappingProxyType({
            **DEFAULT_POLICY.escalation_timeouts,
            **{name: timedelta(seconds=s) for name, s in overrides.items()}})
        return replace(DEFAULT_POLICY, timezone=self.timezone, escalation_timeouts=timeouts,
                       access_token_minutes=self.access_token_minutes,
                       refresh_token_days=self.refresh_token_days,
                       device_command_timeout=timedelta(
                           seconds=self.device_command_timeout_seconds))
