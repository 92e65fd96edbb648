"""``cuiot``: the admin command line. Each area is its own Typer app."""

from __future__ import annotations

import typer

from cuiot.entrypoints.cli import (
    billing,
    db,
    referrals,
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
app.add_typer(referrals.commissions_app, name="commissions")


def main() -> None:
    app()
