"""The plain reset token lives in the outbox only until it is delivered: the email
carries it, and the row, once sent (or given up after its last attempt), keeps no trace
of it, in its payload, subject or body. A retry still has it to send. On SQLite and
PostgreSQL, through a real SMTP server."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlalchemy import select

from cuiot.adapters.persistence.orm.safety import notifications
from cuiot.application.identity.commands.passwords import (
    ForgotPassword,
    ForgotPasswordCommand,
    ResetPassword,
    ResetPasswordCommand,
)
from cuiot.domain.notifications import DeliveryStatus
from tests.integration.test_auth_persistence import a_user, sql_bench, stored  # noqa: F401
from tests.integration.test_dispatch_smtp import dispatch_with, inbox, smtp_url  # noqa: F401
from tests.support.servers import free_port

CODE = re.compile(r"código: (\S+)")


async def _outbox_row(sql_uow):
    async with sql_uow() as uow:
        return (await uow.connection.execute(select(notifications))).mappings().one()


async def _asked_for_a_reset(sql_uow, sql_bench) -> None:
    await stored(sql_uow, a_user())
    await sql_bench.call(ForgotPassword, ForgotPasswordCommand("laura@example.com"))


def _token_of(row) -> str:
    token = row["payload"]["token"]
    assert token and token in row["body"]
    return token


def _kept_nowhere(token: str, row) -> None:
    assert row["payload"]["token"] is None
    assert token not in str(dict(row)), "the plain token is still in the outbox"


async def test_a_delivered_reset_email_leaves_no_token_in_the_outbox(
        sql_uow, sql_bench, clock, policy, inbox):
    await _asked_for_a_reset(sql_uow, sql_bench)
    token = _token_of(await _outbox_row(sql_uow))
    assert (await dispatch_with(sql_uow, clock, policy, smtp_url(inbox.port))).sent == 1
    [(recipients, message)] = inbox.messages
    emailed = CODE.search(message.get_payload(decode=True).decode()).group(1)
    assert (recipients, emailed) == (["laura@example.com"], token)
    row = await _outbox_row(sql_uow)
    assert row["status"] == DeliveryStatus.SENT and "[borrado]" in row["body"]
    _kept_nowhere(token, row)
    await sql_bench.call(ResetPassword, ResetPasswordCommand(emailed, "nueva-clave-1"))


@pytest.mark.parametrize("attempts", [1, 2])
async def test_a_reset_email_given_up_forgets_its_token_and_a_retry_keeps_it(
        sql_uow, sql_bench, clock, policy, attempts):
    await _asked_for_a_reset(sql_uow, sql_bench)
    token = _token_of(await _outbox_row(sql_uow))
    limited = replace(policy, notification_max_attempts=attempts)
    result = await dispatch_with(sql_uow, clock, limited,
                                 f"smtp://127.0.0.1:{free_port()}")  # nobody listens
    row = await _outbox_row(sql_uow)
    if attempts == 1:
        assert result.failed == 1 and row["status"] == DeliveryStatus.FAILED
        _kept_nowhere(token, row)
    else:
        assert result.retried == 1 and row["status"] == DeliveryStatus.PENDING
        assert _token_of(row) == token  # the next attempt still has it to send
