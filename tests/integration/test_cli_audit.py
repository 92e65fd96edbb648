"""``cuiot audit list``: the audit log as an admin reads it at a terminal (names, the
action in Spanish words, no ids) and as a script reads it (``--json``, the HTTP API's
fields), with the filters of ``GET /api/v1/audit``."""

from __future__ import annotations

from tests.integration.test_cli import _press_panic_button
from tests.integration.test_cli_for_people import (  # noqa: F401
    ROOT,
    cli,
    ok,
    one_line_refusal,
    page,
)

ROOT_EMAIL = "root@example.com"


def test_an_admin_reads_who_did_what_to_whom_by_name(cli):
    ok(cli(*ROOT))  # the operator makes the first admin: recorded, with no actor
    ok(cli("seed", "--demo"))  # root verifies Lucía's representation of Rosa
    _press_panic_button()
    [alert] = page(cli("alerts", "list", "--json"))["items"]
    ok(cli("alerts", "ack", alert["id"][:8]))

    table = ok(cli("audit", "list"))
    words = set(table.split())
    assert {"Admin", "CUIOT", "atendió", "verificó", "representación", "otorgó", "rol",
            "sin", "cuenta", "botón", "pánico", "Rosa", "Fernández", "role:",
            "admin"} <= words, table
    assert alert["id"][:8] not in table and alert["id"].replace("-", "")[:8] not in table
    assert "times: America/Argentina/Buenos_Aires" in " ".join(table.split())

    everything = page(cli("audit", "list", "--json"))
    assert [e["action"] for e in everything["items"]] == [
        "alert.acknowledged", "representation.verified", "role.granted"]
    assert everything["next_offset"] is None
    acked, verified, granted = everything["items"]
    assert (acked["actor_email"], acked["actor_name"], acked["subject_id"]) == (
        ROOT_EMAIL, "Admin CUIOT", alert["id"])
    assert (granted["actor_id"], granted["subject_label"]) == (None, "Admin CUIOT")
    assert verified["subject_label"] == "Rosa Fernández"


def test_the_filters_are_those_of_the_api(cli):
    ok(cli(*ROOT))
    ok(cli("seed", "--demo"))
    _press_panic_button()
    [alert] = page(cli("alerts", "list", "--json"))["items"]
    ok(cli("alerts", "ack", alert["id"]))

    def actions(*args: str) -> list[str]:
        return [e["action"] for e in page(cli("audit", "list", "--json", *args))["items"]]

    assert actions("--actor", ROOT_EMAIL) == ["alert.acknowledged", "representation.verified"]
    root_id = page(cli("audit", "list", "--json", "--action", "role.granted"))["items"][0][
        "subject_id"]
    assert actions("--actor", root_id[:8]) == ["alert.acknowledged", "representation.verified"]
    assert actions("--action", "alert.acknowledged") == ["alert.acknowledged"]
    assert actions("--subject-type", "user") == ["role.granted"]
    assert actions("--subject", alert["id"][:6]) == ["alert.acknowledged"]
    assert actions("--since", "2000-01-01", "--until", "2000-01-02") == []
    assert actions("--limit", "1", "--offset", "1") == ["representation.verified"]
    paged = page(cli("audit", "list", "--json", "--limit", "1"))
    assert paged["next_offset"] == 1

    assert "nobody@example.com" in one_line_refusal(
        cli("audit", "list", "--actor", "nobody@example.com"))
    assert "--since" in one_line_refusal(cli("audit", "list", "--since", "ayer"), 2)
    assert "until" in one_line_refusal(
        cli("audit", "list", "--since", "2026-02-01", "--until", "2026-01-01"))
    assert "--limit" in one_line_refusal(cli("audit", "list", "--limit", "500"), 2)
    assert cli("audit", "list", "--action", "alert.deleted").exit_code == 2
