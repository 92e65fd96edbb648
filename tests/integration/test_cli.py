"""The admin command line on a real database: tables for people, JSON for scripts, and
one line with a non-zero exit on every refusal."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from cuiot.entrypoints.cli import app
from cuiot.entrypoints.cli.runtime import set_container
from cuiot.entrypoints.container import build_container, dispose_engines
from cuiot.entrypoints.settings import Settings

runner = CliRunner()


@pytest.fixture
def cli(database_url: str) -> Iterator[callable]:
    set_container(build_container(Settings(database_url=database_url, bcrypt_rounds=4)))

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input)

    yield invoke
    set_container(None)


def as_json(result) -> object:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def items(result) -> list:
    """The rows of a listing's page (``--json`` pages as the HTTP API does)."""
    return as_json(result)["items"]


def test_admin_create_then_users_list(cli):
    created = as_json(cli("admin", "create", "--email", "Root@Example.com", "--password",
                          "una clave larga", "--json"))
    assert created["email"] == "root@example.com" and created["created"] is True
    users = items(cli("users", "list", "--json"))
    assert [(u["email"], u["roles"]) for u in users] == [("root@example.com", "admin")]
    table = cli("users", "list")
    assert table.exit_code == 0 and "root@example.com" in table.stdout


def test_admin_create_asks_for_the_password_when_left_out(cli):
    result = cli("admin", "create", "--email", "root@example.com",
                 input="una clave larga\nuna clave larga\n")
    assert result.exit_code == 0, result.output
    assert "created admin root@example.com" in result.stdout


def test_a_refusal_is_one_line_and_a_non_zero_exit(cli):
    cli("admin", "create", "--email", "root@example.com", "--password", "una clave larga")
    again = cli("admin", "create", "--email", "root@example.com", "--password", "una clave larga")
    assert again.exit_code == 1
    assert again.stderr.count("\n") == 1 and again.stderr.startswith("error: conflict")
    assert "Traceback" not in again.output
    short = cli("admin", "create", "--email", "x@example.com", "--password", "corta")
    assert short.exit_code == 1 and "validation_error" in short.stderr


def test_admin_commands_need_an_admin(cli):
    result = cli("users", "list")
    assert result.exit_code == 1
    assert "cuiot admin create" in result.stderr


def test_grant_and_revoke_a_role(cli):
    cli("admin", "create", "--email", "root@example.com", "--password", "una clave larga")
    other = as_json(cli("admin", "create", "--email", "ops@example.com", "--password",
                        "otra clave larga", "--json"))
    granted = as_json(cli("users", "grant-role", other["id"], "caregiver",
                          "--as", "root@example.com", "--json"))
    assert granted["roles"] == "admin, caregiver"
    revoked = as_json(cli("users", "revoke-role", other["id"], "caregiver",
                          "--as", "root@example.com", "--json"))
    assert revoked["roles"] == "admin"
    ambiguous = cli("users", "list")
    assert ambiguous.exit_code == 1 and "--as" in ambiguous.stderr


def test_referrals_expire_and_commissions_on_an_empty_programme(cli):
    cli("admin", "create", "--email", "root@example.com", "--password", "una clave larga")
    assert as_json(cli("referrals", "expire", "--json")) == {"expired": 0}
    assert items(cli("commissions", "list", "--json")) == []
    missing = cli("commissions", "pay", "00000000-0000-0000-0000-000000000001")
    assert missing.exit_code == 1 and missing.stderr.startswith("error: not_found")


def test_serve_refuses_an_outdated_schema(tmp_path):
    set_container(build_container(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/new.db")))
    try:
        result = runner.invoke(app, ["serve"])
    finally:
        set_container(None)
    assert result.exit_code == 1
    assert "run 'cuiot db upgrade'" in result.stderr


def test_seed_is_idempotent_and_lists_the_catalogue(cli):
    assert as_json(cli("seed", "--json")) == {"packages_added": 5}
    assert as_json(cli("seed", "--json")) == {"packages_added": 0}
    packages = items(cli("packages", "list", "--json"))
    assert [(p["type"], p["monthly"]["cents"], p["devices"]) for p in packages] == [
        ("basic", 1_500_000, 3), ("familiar", 2_500_000, 8), ("premium", 4_500_000, 20),
        ("professional", 8_000_000, 50), ("institutional", 30_000_000, 500)]


def test_package_admin_commands(cli):
    cli("admin", "create", "--email", "root@example.com", "--password", "una clave larga")
    created = as_json(cli("packages", "create", "--type", "basic", "--name", "Básico Plus",
                          "--monthly-cents", "1800000", "--max-users", "3", "--max-devices", "4",
                          "--max-storage-gb", "10", "--support", "chat", "--feature", "alertas",
                          "--json"))
    assert created["yearly"]["cents"] == 21_600_000 and created["features"] == ["alertas"]
    updated = as_json(cli("packages", "update", created["id"], "--type", "basic", "--name",
                          "Básico Plus", "--monthly-cents", "1900000", "--max-users", "3",
                          "--max-devices", "4", "--max-storage-gb", "10", "--support", "chat",
                          "--json"))
    assert updated["monthly"]["cents"] == 1_900_000
    gone = as_json(cli("packages", "deactivate", created["id"], "--json"))
    assert gone["active"] is False
    assert items(cli("packages", "list", "--json")) == []
    assert len(items(cli("packages", "list", "--all", "--json"))) == 1
    zero = cli("packages", "create", "--type", "basic", "--name", "Cero", "--monthly-cents", "1",
               "--max-users", "0", "--max-devices", "1", "--max-storage-gb", "1",
               "--support", "chat")
    assert zero.exit_code != 0 and "Traceback" not in zero.output


def test_billing_run_twice_changes_nothing_the_second_time(cli):
    first = as_json(cli("billing", "run", "--date", "2026-02-01", "--json"))
    assert set(first) >= {"renewed", "invoices_issued", "expired", "marked_overdue", "suspended"}
    assert as_json(cli("billing", "run", "--date", "2026-02-01", "--json")) == {k: 0 for k in first}
    bad = cli("billing", "run", "--date", "1 de febrero")
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.stderr


def test_demo_family_devices_and_alerts(cli, database_url):
    seeded = as_json(cli("seed", "--demo", "--json"))
    assert seeded["devices"] == 4 and seeded["readings"] == 140
    assert as_json(cli("seed", "--demo", "--json"))["demo"] == "already there"
    devices = items(cli("devices", "list", "--json"))
    assert sorted(d["device_id"] for d in devices) == [
        "bp-rosa-01", "gas-rosa-01", "motion-rosa-01", "panic-rosa-01"]
    assert items(cli("alerts", "list", "--json")) == []  # a normal week opens nothing
    assert _rosas_address() == "Av. Rivadavia 4512, 3° B, CABA"  # what a responder needs
    _press_panic_button()
    alerts = items(cli("alerts", "list", "--json"))
    assert [(a["alert_type"], a["severity"], a["status"]) for a in alerts] == [
        ("panic_pressed", "critical", "pending")]
    assert alerts[0]["device_pk"] == next(d["id"] for d in devices
                                          if d["device_id"] == "panic-rosa-01")
    acked = as_json(cli("alerts", "ack", alerts[0]["id"], "--json"))
    assert acked["status"] == "acknowledged"
    assert as_json(cli("alerts", "resolve", alerts[0]["id"], "--json"))["status"] == "resolved"
    again = cli("alerts", "resolve", alerts[0]["id"])
    assert again.exit_code == 1 and again.stderr.startswith("error:")


def _rosas_address() -> str | None:
    import asyncio

    from sqlalchemy import select

    from cuiot.adapters.persistence.orm.care import cared_persons
    from cuiot.entrypoints.cli.runtime import container

    async def read() -> str | None:
        async with container().read_side().transaction() as conn:
            info = await conn.scalar(select(cared_persons.c.responder_info)
                                     .where(cared_persons.c.first_name == "Rosa"))
        return info.address if info is not None else None

    return asyncio.run(read())


def _press_panic_button() -> None:
    import asyncio

    from cuiot.application.safety.commands.ingest import IngestDeviceEvent, IngestDeviceEventCommand
    from cuiot.entrypoints.cli.runtime import container
    from cuiot.entrypoints.container import use_case

    async def press() -> None:
        c = container()
        try:
            await use_case(c, IngestDeviceEvent)(
                IngestDeviceEventCommand("panic-rosa-01", "press-1", "pressed", {}))
        finally:
            await dispose_engines(c)

    asyncio.run(press())


def test_a_deactivated_admin_cannot_act_even_when_named(cli):
    import asyncio

    from cuiot.domain.values import EmailAddress
    from cuiot.entrypoints.cli.runtime import container

    cli("admin", "create", "--email", "root@example.com", "--password", "una clave larga")
    cli("admin", "create", "--email", "ops@example.com", "--password", "otra clave larga")

    async def deactivate() -> None:
        c = container()
        try:
            async with c.uow() as uow:
                (await uow.users.get_by_email(EmailAddress("ops@example.com"))).is_active = False
                await uow.commit()
        finally:
            await dispose_engines(c)

    asyncio.run(deactivate())
    named = cli("users", "list", "--as", "ops@example.com")
    assert named.exit_code == 1 and "not an active admin" in named.stderr
    assert cli("users", "list", "--json").exit_code == 0  # the one active admin acts alone
