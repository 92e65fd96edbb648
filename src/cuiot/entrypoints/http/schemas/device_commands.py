"""Commands to devices over HTTP: what is asked, and what became of it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

from cuiot.domain.device_commands import DeviceCommand
from cuiot.entrypoints.http.schemas.common import Strict
from cuiot.entrypoints.http.schemas.devices import NO_CONTROL, JsonObject

CommandName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=NO_CONTROL)]


class DeviceCommandIn(Strict):
    command: CommandName = Field(
        examples=["set_interval"],
        description="What the device should do: letters, digits, _ . : - (starts with a letter)")
    params: JsonObject = Field(default_factory=dict, examples=[{"seconds": 60}],
                               description="The command's arguments, as the device expects")


class DeviceCommandOut(BaseModel):
    command_id: UUID = Field(description="The id the device echoes in its reply")
    device_pk: UUID = Field(description="The device's key in this API")
    command: str = Field(examples=["set_interval"])
    params: dict[str, Any]
    status: str = Field(examples=["sent"],
                        description="pending, sent, completed, failed or timed_out")
    requested_by: UUID
    created_at: datetime
    sent_at: datetime | None = Field(description="When the broker took it")
    timeout_at: datetime = Field(description="Without a reply by then, it times out")
    completed_at: datetime | None = Field(description="When it reached its final status")
    result: dict[str, Any] = Field(
        description="The device's reply (kept even when it came after the timeout), or "
                    "{error: not_delivered} when the broker could not be reached")
    reply_ok: bool | None = Field(description="What the device said: done or not")
    replied_at: datetime | None
    replied_late: bool = Field(description="The reply came after the command timed out: "
                                           "kept in result, the status stays timed_out")

    @classmethod
    def of(cls, c: DeviceCommand) -> DeviceCommandOut:
        return cls(command_id=c.id, device_pk=c.device_pk, command=c.command,
                   params=dict(c.params), status=c.status.value, requested_by=c.requested_by,
                   created_at=c.created_at, sent_at=c.sent_at, timeout_at=c.timeout_at,
                   completed_at=c.completed_at, result=dict(c.result), reply_ok=c.reply_ok,
                   replied_at=c.replied_at, replied_late=c.replied_late)
