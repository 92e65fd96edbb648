"""``cuiot persons deactivated|deactivate|reactivate|erase`` and ``cuiot users
deactivate|reactivate|erase`` as an admin types them, on the demo family: persons by the
prefix a table shows, users by email, erasing only once confirmed, refusals in one line,
each change in the audit log."""

from __future__ import annotations

import json

from cuiot.entrypoints.cli import app
from cuiot.entrypoints.cli.demo import FAMILY_EMAIL
from tests.integration.test_cli_for_people import (  # noqa: F401 (the cli fixture)
    ROOT,
    cli,
    ok,
    one_line_refusal,
    page,
    runner,
)


def rosa_id(cli) -> str:
    return json.loads(ok(cli("seed", "--demo", "--json")))["cared_person_id"]


def test_a_person_is_deactivated_listed_and_erased_once_confirmed(cli):
    ok(cli(*ROOT))
    rosa = rosa_id(cli)
    prefix = rosa.replace("-", "")[:8]
    table = ok(cli("persons", "deactivate", prefix))
    assert "Rosa Fernández" in table and rosa in table
    [listed] = page(cli("persons", "deactivated", "--json"))["items"]
    assert (listed["id"], listed["active"]) == (rosa, False)
    declined = runner.invoke(app, ["persons", "erase", prefix], input="n\n")
    assert declined.exit_code == 1 and "cannot be undone" in declined.output
    assert page(cli("persons", "deactivated", "--json"))["items"][0]["erased_at"] is None
    erased = json.loads(ok(cli("persons", "erase", prefix, "--yes", "--json")))
    assert (erased["name"], erased["active"]) == ("Erased person", False)
    assert "invalid_state_transition" in one_line_refusal(cli("persons", "reactivate", prefix))
    actions = [e["action"] for e in page(cli("audit", "list", "--json"))["items"]]
    assert {"cared_person.deactivated", "cared_person.erased"} <= set(actions)


def test_a_user_is_deactivated_by_email_only_once_they_hold_no_one(cli):
    ok(cli(*ROOT))
    rosa = rosa_id(cli)
    held = one_line_refusal(cli("users", "deactivate", FAMILY_EMAIL))
    assert "conflict" in held and rosa in held  # Rosa is still watched over on her account
    ok(cli("persons", "deactivate", rosa))
    gone = json.loads(ok(cli("users", "deactivate", FAMILY_EMAIL, "--json")))
    assert (gone["email"], gone["active"]) == (FAMILY_EMAIL, False) and gone["deactivated_at"]
    assert json.loads(ok(cli("users", "reactivate", FAMILY_EMAIL, "--json")))["active"] is True
    ok(cli("users", "deactivate", gone["id"][:8]))  # by the prefix of its id too
    erased = json.loads(ok(cli("users", "erase", FAMILY_EMAIL, "--yes", "--json")))
    assert erased["email"].endswith("@erased.invalid") and erased["name"] == "Erased user"
    assert "not_found" in one_line_refusal(cli("users", "erase", FAMILY_EMAIL, "--yes"))
    actions = [e["action"] for e in page(cli("audit", "list", "--json"))["items"]]
    assert actions.count("user.deactivated") == 2 and "user.erased" in actions
