"""``cuiot packages``, ``cuiot billing`` and ``cuiot seed``."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cuiot.adapters.persistence.views.billing import SqlPackageViews
from cuiot.application.billing.commands.billing_run import (
    BillingRunSummary,
    RunBilling,
    RunBillingCommand,
)
from cuiot.application.billing.commands.packages import (
    CreatePackage,
    CreatePackageCommand,
    DeactivatePackage,
    DeactivatePackageCommand,
    UpdatePackage,
    UpdatePackageCommand,
)
from cuiot.application.billing.ports import PackageView
from cuiot.application.billing.queries.packages import ListPackages, ListPackagesQuery
from cuiot.application.shared.id_prefixes import IdKind
from cuiot.application.shared.queries import Viewer
from cuiot.domain.packages import Package, PackageType, SupportLevel
from cuiot.entrypoints.cli.arguments import LIMIT, OFFSET, full_id, id_argument, window
from cuiot.entrypoints.cli.output import Page, console, emit, emit_one, fail, plain
from cuiot.entrypoints.cli.runtime import admin_actor, run
from cuiot.entrypoints.cli.users import AS_ADMIN, JSON
from cuiot.entrypoints.container import Container, use_case

packages_app = typer.Typer(help="The package catalogue.", no_args_is_help=True)
billing_app = typer.Typer(help="Invoices and the billing run.", no_args_is_help=True)

COLUMNS = {"id": "id", "name": "name", "monthly": "monthly", "users": "users",
           "devices": "devices", "storage_gb": "GB", "patients": "patients",
           "support": "support", "active": "active"}


def package_row(p: Package) -> dict[str, Any]:
    return {"id": p.id, "type": p.type, "name": p.name, "monthly": p.price_monthly,
            "yearly": p.yearly_price, "users": p.limits.max_users,
            "devices": p.limits.max_devices, "storage_gb": p.limits.max_storage_gb,
            "patients": p.limits.max_patients, "support": p.support_level,
            "features": p.features, "active": p.is_active}


def listed_row(p: PackageView) -> dict[str, Any]:
    return {"id": p.id, "type": p.type, "name": p.name, "monthly": p.price_monthly,
            "yearly": p.price_yearly, "users": p.max_users, "devices": p.max_devices,
            "storage_gb": p.max_storage_gb, "patients": p.max_patients,
            "support": p.support_level, "features": list(p.features), "active": p.is_active}


ALL = typer.Option(False, "--all", help="Include deactivated ones.")
PACKAGE_ID = id_argument(IdKind.PACKAGE)


@packages_app.command("list")
def list_packages(all_: bool = ALL, offset: int = OFFSET, limit: int = LIMIT,
                  as_: str | None = AS_ADMIN, json_: bool = JSON) -> None:
    """The catalogue, cheapest first."""
    page = window(offset, limit)

    async def work(c: Container) -> Page:
        viewer = Viewer(await admin_actor(c, as_), is_admin=True) if all_ else None
        async with c.read_side().transaction() as conn:
            found = await ListPackages(SqlPackageViews(conn), c.clock())(
                ListPackagesQuery(viewer, all_, page))
        return Page.of([listed_row(p) for p in found], page)

    emit(run(work), COLUMNS, json_, "Packages")


def _terms(type_: PackageType, name: str, monthly_cents: int, yearly_cents: int | None,
           users: int, devices: int, storage_gb: int, patients: int | None,
           support: SupportLevel, feature: list[str]) -> dict[str, Any]:
    return {"type": type_.value, "name": name, "price_monthly_cents": monthly_cents,
            "price_yearly_cents": yearly_cents, "max_users": users, "max_devices": devices,
            "max_storage_gb": storage_gb, "max_patients": patients,
            "support_level": support.value, "features": tuple(feature)}


TYPE = typer.Option(..., "--type")
NAME = typer.Option(..., "--name")
MONTHLY = typer.Option(..., "--monthly-cents", min=0, help="Monthly price in cents.")
YEARLY = typer.Option(None, "--yearly-cents", min=0, help="Left out: 12 × monthly.")
USERS = typer.Option(..., "--max-users", min=1)
DEVICES = typer.Option(..., "--max-devices", min=1)
STORAGE = typer.Option(..., "--max-storage-gb", min=1)
PATIENTS = typer.Option(None, "--max-patients", min=1, help="Institutional packages only.")
SUPPORT = typer.Option(..., "--support")
FEATURE = typer.Option([], "--feature", help="Repeat for each feature.")


@packages_app.command("create")
def create_package(type_: PackageType = TYPE, name: str = NAME, monthly_cents: int = MONTHLY,
                   yearly_cents: int | None = YEARLY, users: int = USERS,
                   devices: int = DEVICES, storage_gb: int = STORAGE,
                   patients: int | None = PATIENTS, support: SupportLevel = SUPPORT,
                   feature: list[str] = FEATURE, as_: str | None = AS_ADMIN,
                   json_: bool = JSON) -> None:
    """Add a package to the catalogue."""
    terms = _terms(type_, name, monthly_cents, yearly_cents, users, devices, storage_gb,
                   patients, support, feature)

    async def work(c: Container) -> dict[str, Any]:
        actor = await admin_actor(c, as_)
        cmd = CreatePackageCommand(actor_id=actor, **terms)
        return package_row(await use_case(c, CreatePackage)(cmd))

    emit_one(run(work), json_, "Package created")


@packages_app.command("update")
def update_package(package_id: str = PACKAGE_ID, type_: PackageType = TYPE, name: str = NAME,
                   monthly_cents: int = MONTHLY, yearly_cents: int | None = YEARLY,
                   users: int = USERS, devices: int = DEVICES, storage_gb: int = STORAGE,
                   patients: int | None = PATIENTS, support: SupportLevel = SUPPORT,
                   feature: list[str] = FEATURE, as_: str | None = AS_ADMIN,
                   json_: bool = JSON) -> None:
    """Replace a package's terms (subscriptions keep their own price until renewal)."""
    terms = _terms(type_, name, monthly_cents, yearly_cents, users, devices, storage_gb,
                   patients, support, feature)

    async def work(c: Container) -> dict[str, Any]:
        actor = await admin_actor(c, as_)
        cmd = UpdatePackageCommand(actor_id=actor, **terms,
                                   package_id=await full_id(c, IdKind.PACKAGE, package_id))
        return package_row(await use_case(c, UpdatePackage)(cmd))

    emit_one(run(work), json_, "Package updated")


@packages_app.command("deactivate")
def deactivate_package(package_id: str = PACKAGE_ID, as_: str | None = AS_ADMIN,
                       json_: bool = JSON) -> None:
    """Take a package out of the catalogue (existing subscriptions go on)."""

    async def work(c: Container) -> dict[str, Any]:
        actor = await admin_actor(c, as_)
        cmd = DeactivatePackageCommand(
            actor_id=actor, package_id=await full_id(c, IdKind.PACKAGE, package_id))
        return package_row(await use_case(c, DeactivatePackage)(cmd))

    emit_one(run(work), json_, "Package deactivated")


ON = typer.Option(None, "--date", help="The day to bill, YYYY-MM-DD; default: today.")


@billing_app.command("run")
def billing_run(on: str | None = ON, json_: bool = JSON) -> None:
    """Renew, expire, mark overdue and suspend for a date. Safe to run twice."""
    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        fail(f"--date must be YYYY-MM-DD, got {on!r}")

    async def work(c: Container) -> BillingRunSummary:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=console, transient=True, disable=json_) as progress:
            task = progress.add_task("billing…", total=None)

            def moved(step: str, done: int) -> None:
                progress.update(task, description=f"billing: {step} ({done})")

            billing = use_case(c, RunBilling)
            billing._progress = moved  # the run's progress hook
            return await billing(RunBillingCommand(day or c.clock().today()))

    emit_one(plain(run(work)), json_, "Billing run")
