"""Operator settings: environment variables with the ``CUIOT_`` prefix (CONTRACTS.md)."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from cuiot.domain.policy import DEFAULT_POLICY, Policy

SEVERITIES_THAT_ESCALATE = tuple(DEFAULT_POLICY.escalation_timeouts)  # the domain says which


def parse_escalation_timeouts(text: str) -> dict[str, int]:
    """``critical=120,high=300,medium=900`` → seconds per severity."""
    timeouts: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, seconds = part.partition("=")
        name = name.strip()
        if name not in SEVERITIES_THAT_ESCALATE or not seconds.strip().isdigit():
            raise ValueError(f"expected severity=seconds for {SEVERITIES_THAT_ESCALATE}, "
                             f"got {part!r}")
        if int(seconds) <= 0:
            raise ValueError(f"{name} timeout must be positive")
        timeouts[name] = int(seconds)
    missing = set(SEVERITIES_THAT_ESCALATE) - timeouts.keys()
    if missing:
        raise ValueError(f"missing timeouts for {sorted(missing)}")
    return timeouts


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CUIOT_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./cuiot.db"
    # Queries (HTTP reads) may go to a replica; unset: the primary above.
    database_read_url: str | None = None
    redis_url: str | None = None
    redis_prefix: str = "cuiot:"
    mqtt_url: str | None = None
    mqtt_shared_group: str | None = None
    mqtt_client_id: str = "cuiot-consumer"  # the consumer's persistent session
    mqtt_embedded_port: int = 1883
    device_command_timeout_seconds: int = Field(default=30, gt=0, le=86_400)
    jwt_secret: str | None = Field(default=None, repr=False)
    bcrypt_rounds: int = Field(default=12, ge=4, le=31)
    access_token_minutes: int = Field(default=30, gt=0)
    refresh_token_days: int = Field(default=7, gt=0)
    rate_limit_per_minute: int = Field(default=60, gt=0)
    smtp_url: str | None = Field(default=None, repr=False)  # smtp://user:pass@host:port?starttls=1
    webhook_secret: str | None = Field(default=None, repr=False)  # signs webhook deliveries
    sms_webhook_url: str | None = Field(default=None, repr=False)  # unset: SMS to the log
    push_webhook_url: str | None = Field(default=None, repr=False)  # unset: push to the log
    notification_timeout_seconds: float = Field(default=10.0, gt=0)
    dispatch_tick_seconds: float = Field(default=1.0, gt=0)
    # Unset: the domain's defaults (critical=120,high=300,medium=900 seconds).
    escalation_timeouts: str | None = None
    scheduler_tick_seconds: float = Field(default=1.0, gt=0)
    timezone: str = "America/Argentina/Buenos_Aires"
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_format: Literal["text", "json"] = Field(
        default_factory=lambda: "text" if sys.stderr.isatty() else "json"
    )

    @field_validator("escalation_timeouts")
    @classmethod
    def _valid_timeouts(cls, value: str | None) -> str | None:
        if value is not None:
            parse_escalation_timeouts(value)
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip() for o in value.split(",") if o.strip()]
        return value

    def policy(self) -> Policy:
        """The business defaults, with what operators may override applied."""
        timeouts = DEFAULT_POLICY.escalation_timeouts if self.escalation_timeouts is None else {
            name: timedelta(seconds=s)
            for name, s in parse_escalation_timeouts(self.escalation_timeouts).items()
        }
        return replace(DEFAULT_POLICY, timezone=self.timezone, escalation_timeouts=timeouts,
                       access_token_minutes=self.access_token_minutes,
                       refresh_token_days=self.refresh_token_days,
                       device_command_timeout=timedelta(
                           seconds=self.device_command_timeout_seconds))
