"""``cuiot devices reactivate|move|rotate-key`` as an admin types them: ids given by the
prefix ``devices list`` shows, persons by name in the answer, the new key shown once,
refusals in one line."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.application.safety.commands.devices import DeviceCommand, RemoveDevice
from cuiot.domain.devices import hash_api_key
from cuiot.entrypoints.cli.runtime import run
from cuiot.entrypoints.container import Container, use_case
from tests.integration.test_cli_for_people import (  # noqa: F401 (the cli fixture)
    ROOT,
    cli,
    ok,
    one_line_refusal,
    page,
    shown_ids,
)

T = TypeVar("T")


def on(work: Callable[[Container], Awaitable[T]]) -> T:
    """Set the scene through the use cases, on the CLI's own container."""
    return run(work)


def demo_device(cli: Any, device_id: str) -> dict[str, Any]:
    listed = page(cli("devices", "list", "--json"))["items"]
    return next(d for d in listed if d["device_id"] == device_id)


def test_a_removed_device_is_reactivated_by_the_prefix_the_table_shows(cli):
    ok(cli(*ROOT))
    ok(cli("seed", "--demo"))
    panic = demo_device(cli, "panic-rosa-01")
    [prefix] = [p for p in shown_ids(ok(cli("devices", "list")))
                if panic["id"].replace("-", "").startswith(p)]
    refused = one_line_refusal(cli("devices", "reactivate", prefix))
    assert "invalid_state_transition" in refused  # it is active
    users = page(cli("users", "list", "--json"))["items"]
    admin = next(u["id"] for u in users if u["email"] == "root@example.com")

    async def remove(c: Container) -> None:
        await use_case(c, RemoveDevice)(DeviceCommand(UUID(admin), UUID(panic["id"])))

    on(remove)
    table = ok(cli("devices", "reactivate", prefix))
    assert "Rosa Fernández" in table and panic["id"] in table  # the person by name
    assert demo_device(cli, "panic-rosa-01")["active"] is True


def test_a_device_moves_to_another_person_of_the_account_and_gets_a_new_key(cli):
    ok(cli(*ROOT))
    seeded = json.loads(ok(cli("seed", "--demo", "--json")))
    gas = demo_device(cli, "gas-rosa-01")

    async def add_rosas_husband(c: Container) -> str:
        async with c.uow() as uow:
            rosa = await uow.cared_persons.get(UUID(seeded["cared_person_id"]))
        raul = await use_case(c, AddCaredPerson)(AddCaredPersonCommand(
            rosa.account_id, "Raúl", "Fernández", date(1940, 6, 1)))
        return raul.id.hex

    raul = on(add_rosas_husband)
    moved = json.loads(ok(cli("devices", "move", gas["id"][:8], "--to", raul[:8], "--json")))
    assert (moved["cared_person"], moved["cared_person_id"].replace("-", "")) == (
        "Raúl Fernández", raul)
    assert "Rosa Fernández" in ok(cli("devices", "move", gas["id"][:8], "--to",
                                      seeded["cared_person_id"]))  # and back
    refused = one_line_refusal(cli("devices", "move", gas["id"][:8], "--to", "ffffffff"))
    assert "not_found" in refused
    rotated = json.loads(ok(cli("devices", "rotate-key", gas["id"][:8], "--json")))
    new_key = rotated["api_key"]
    assert new_key and new_key != seeded["device_keys"]["gas-rosa-01"]

    async def stored_hash(c: Container) -> str:
        async with c.uow() as uow:
            return (await uow.devices.get_by_device_id("gas-rosa-01")).api_key_hash

    assert on(stored_hash) == hash_api_key(new_key)
    assert "shown only now" in ok(cli("devices", "rotate-key", gas["id"][:8]))
