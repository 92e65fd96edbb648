"""``cuiot``: the admin command line. Each area is its own Typer app."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import typer
from typer.core import TyperOption

from cuiot.entrypoints.cli import (
    audit,
    billing,
    db,
    devices,
    people,
    referrals,
    rejections,
    safety,
    seed,
    serve,
    simulate,
    users,
    worker,
)

app = typer.Typer(
    name="cuiot",
    help="CUIOT: watching over people who live alone or in care.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _flags_show_no_type() -> None:
    """Typer's rich help (0.29) prints ``<bool>`` beside every flag, ``--help`` too, as if
    it took a value; its plain help and click show none. A flag shows no type here."""
    typed = TyperOption.display_type_rich

    def display_type_rich(option: TyperOption, ctx: Any) -> str | None:
        return None if option.is_flag and option.metavar is None else typed(option, ctx)

    setattr(TyperOption, "display_type_rich", display_type_rich)  # noqa: B010


_flags_show_no_type()


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"cuiot {version('cuiot')}")
        raise typer.Exit()


@app.callback()
def cuiot(_version: bool = typer.Option(False, "--version", callback=_print_version,
                                        is_eager=True, help="Print the version and exit.")
          ) -> None:
    """CUIOT: watching over people who live alone or in care."""


app.add_typer(db.app, name="db")
app.add_typer(users.admin_app, name="admin")
app.add_typer(users.users_app, name="users")
app.add_typer(billing.packages_app, name="packages")
app.add_typer(billing.billing_app, name="billing")
app.add_typer(referrals.referrals_app, name="referrals")
app.add_typer(safety.alerts_app, name="alerts")
app.add_typer(safety.devices_app, name="devices")
app.command("seed")(seed.seed)
app.command("serve")(serve.serve)
app.command("worker")(worker.worker)
safety.devices_app.command("simulate")(simulate.simulate)
safety.devices_app.command("rejected")(rejections.rejected)
safety.devices_app.command("reactivate")(devices.reactivate)
safety.devices_app.command("move")(devices.move)
safety.devices_app.command("rotate-key")(devices.rotate_key)
app.add_typer(referrals.commissions_app, name="commissions")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(people.persons_app, name="persons")
users.users_app.command("deactivate")(people.deactivate_user)
users.users_app.command("reactivate")(people.reactivate_user)
users.users_app.command("erase")(people.erase_user)


def main() -> None:
    app()
