"""The CLI as a person uses it at an 80-column terminal: ids they can type back, pages
bounded as over HTTP, Spanish words, local times that say their zone, the demo's logins."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from dependency_injector import providers
from typer.testing import CliRunner

from cuiot.entrypoints.cli import app, output
from cuiot.entrypoints.cli.demo import ADMIN_EMAIL, ADMIN_PASSWORD, FAMILY_EMAIL, FAMILY_PASSWORD
from cuiot.entrypoints.cli.runtime import set_container
from cuiot.entrypoints.container import build_container
from cuiot.entrypoints.settings import Settings
from tests.fakes.system import SequentialIdGenerator
from tests.integration.test_cli import _press_panic_button

runner = CliRunner()
ROW_ID = re.compile(r"^([0-9a-f]{8,32}) ", re.MULTILINE)
ROOT = ("admin", "create", "--email", "root@example.com", "--password", "una clave larga")


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[callable]:
    """The CLI on a fresh database, its tables drawn for an 80-column terminal."""
    monkeypatch.setattr(output.console, "width", 80)
    container = build_container(Settings(database_url=database_url, bcrypt_rounds=4))
    set_container(container)

    def invoke(*args: str):
        return runner.invoke(app, list(args))

    invoke.container = container
    yield invoke
    set_container(None)


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def page(result) -> dict:
    return json.loads(ok(result))


def shown_ids(table: str) -> list[str]:
    return ROW_ID.findall(table)


def one_line_refusal(result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error:")
    return result.stderr


def test_an_alert_read_in_the_table_is_acknowledged_and_resolved_by_what_it_shows(cli):
    ok(cli("seed", "--demo"))
    _press_panic_button()
    table = ok(cli("alerts", "list"))
    assert all(len(line) <= 80 for line in table.splitlines()[:-1])  # the caption may wrap
    [prefix] = shown_ids(table)
    [alert] = page(cli("alerts", "list", "--json"))["items"]
    assert alert["id"].replace("-", "").startswith(prefix)
    # Cells wrap at 80 columns: the type "botón de pánico", the device "Botón de pánico".
    assert {"botón", "pánico", "crítica", "pendiente", "Rosa", "Fernández", "Botón"} <= set(
        table.split())
    assert "times: America/Argentina/Buenos_Aires" in " ".join(table.split())
    acked = ok(cli("alerts", "ack", prefix))
    assert "atendida" in acked and alert["id"] in acked  # one record: its id whole
    assert json.loads(ok(cli("alerts", "resolve", prefix[:6], "--json")))["status"] == "resolved"


def test_every_listing_shows_ids_its_commands_take(cli):
    ok(cli(*ROOT))
    ok(cli("seed", "--demo"))
    users = shown_ids(ok(cli("users", "list")))
    whole = [u["id"] for u in page(cli("users", "list", "--json"))["items"]]
    assert len(users) == len(whole) == 2
    assert all(i.replace("-", "").startswith(p) for p, i in zip(users, whole, strict=True))
    granted = json.loads(ok(cli("users", "grant-role", users[1], "caregiver", "--as",
                                "root@example.com", "--json")))
    assert granted["id"] == whole[1] and "caregiver" in granted["roles"]
    packages = shown_ids(ok(cli("packages", "list")))
    assert len(packages) == 5
    gone = json.loads(ok(cli("packages", "deactivate", packages[0], "--as", "root@example.com",
                             "--json")))
    assert gone["active"] is False and gone["id"].replace("-", "").startswith(packages[0])
    devices = shown_ids(ok(cli("devices", "list", "--as", "root@example.com")))
    assert len(devices) == 4


def test_ids_that_share_their_start_are_shown_longer_and_a_shared_prefix_is_refused(cli):
    cli.container.ids.override(providers.Object(SequentialIdGenerator()))  # 0000…01, 0000…02
    ok(cli(*ROOT))
    ok(cli("seed"))
    assert shown_ids(ok(cli("packages", "list"))) == [f"{n:032x}" for n in range(2, 7)]
    assert "several packages start with '0000'" in one_line_refusal(
        cli("packages", "deactivate", "0000"))
    assert one_line_refusal(cli("packages", "deactivate", "ffff")).startswith("error: not_found")
    assert "hex digits" in one_line_refusal(cli("alerts", "ack", "zz"))
    assert json.loads(ok(cli("packages", "deactivate", f"{6:x}".rjust(32, "0"), "--json"))
                      )["active"] is False


@pytest.mark.parametrize(("flag", "value", "said"), [
    ("--limit", "-1", "--limit must be 1 to 200, got -1"),
    ("--limit", "0", "--limit must be 1 to 200"),
    ("--limit", "201", "--limit must be 1 to 200"),
    ("--offset", "-5", "--offset must be 0 to 1000000, got -5"),
    ("--offset", "1000001", "--offset must be 0 to 1000000"),
])
def test_paging_outside_the_http_bounds_is_refused_in_one_line(cli, flag, value, said):
    ok(cli(*ROOT))
    for listing in (("alerts", "list"), ("devices", "list"), ("users", "list"),
                    ("packages", "list"), ("commissions", "list")):
        assert said in one_line_refusal(cli(*listing, flag, value), code=2)


def test_json_carries_the_paging_the_http_api_returns(cli):
    ok(cli("seed"))
    first = page(cli("packages", "list", "--limit", "2", "--json"))
    assert {k: v for k, v in first.items() if k != "items"} == {
        "offset": 0, "limit": 2, "next_offset": 2}
    assert len(first["items"]) == 2
    last = page(cli("packages", "list", "--offset", "4", "--limit", "2", "--json"))
    assert (len(last["items"]), last["next_offset"]) == (1, None)
    assert "more: --offset 2" in ok(cli("packages", "list", "--limit", "2"))
    assert page(cli("packages", "list", "--limit", "200", "--json"))["limit"] == 200


def test_json_instants_end_in_z_as_over_http(cli):
    ok(cli(*ROOT))
    [user] = page(cli("users", "list", "--json"))["items"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", user["created_at"])


def test_seed_demo_prints_every_login_it_makes(cli):
    table = ok(cli("seed", "--demo"))
    for word in (FAMILY_EMAIL, FAMILY_PASSWORD, ADMIN_EMAIL, ADMIN_PASSWORD):
        assert word in table
    again = json.loads(ok(cli("seed", "--demo", "--json")))
    assert again == {"packages_added": 0, "demo": "already there",
                     "family_login": FAMILY_EMAIL, "family_password": FAMILY_PASSWORD,
                     "admin_login": ADMIN_EMAIL, "admin_password": ADMIN_PASSWORD}


def test_seed_demo_names_an_admin_that_was_there_and_never_invents_its_password(cli):
    ok(cli(*ROOT))
    seeded = json.loads(ok(cli("seed", "--demo", "--json")))
    assert (seeded["family_login"], seeded["family_password"]) == (FAMILY_EMAIL, FAMILY_PASSWORD)
    assert (seeded["admin_login"], seeded["admin_password"]) == ("root@example.com", None)
    assert "(their own)" in ok(cli("seed", "--demo"))
