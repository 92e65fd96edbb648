"""The package catalogue: admins edit it (anyone may browse it: ``queries/packages.py``).
Every edit is written to the audit log in its unit of work; the operator's seed is not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from cuiot.application.shared.access import ensure_admin, load_actor
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain import audit_entries as audit
from cuiot.domain.billing_limits import Limits
from cuiot.domain.errors import NotFound
from cuiot.domain.money import Money
from cuiot.domain.packages import Package, PackageType, SupportLevel, default_catalogue
from cuiot.domain.policy import Policy
from cuiot.domain.values import parse_choice


@dataclass(frozen=True, kw_only=True)
class PackageTerms:
    actor_id: UUID
    type: str
    name: str
    price_monthly_cents: int
    max_users: int | None
    max_devices: int | None
    max_storage_gb: int | None
    support_level: str
    price_yearly_cents: int | None = None  # None: 12 × monthly
    max_patients: int | None = None  # institutional packages only
    features: tuple[str, ...] = ()
    currency: str = "ARS"

    def as_fields(self) -> dict[str, Any]:
        yearly = self.price_yearly_cents
        return {
            "type": parse_choice(PackageType, self.type, "type"),
            "name": self.name.strip(),
            "price_monthly": Money(self.price_monthly_cents, self.currency),
            "price_yearly": None if yearly is None else Money(yearly, self.currency),
            "limits": Limits(self.max_users, self.max_devices, self.max_storage_gb,
                             self.max_patients),
            "support_level": parse_choice(SupportLevel, self.support_level, "support_level"),
            "features": list(self.features),
        }


@dataclass(frozen=True, kw_only=True)
class CreatePackageCommand(PackageTerms):
    pass


@dataclass(frozen=True, kw_only=True)
class UpdatePackageCommand(PackageTerms):
    package_id: UUID


@dataclass(frozen=True)
class DeactivatePackageCommand:
    actor_id: UUID
    package_id: UUID


async def offered_package(uow: UnitOfWork, package_id: UUID) -> Package:
    """An active package, or ``NotFound`` (inactive packages are no longer offered)."""
    package = await uow.packages.get(package_id)
    if package is None or not package.is_active:
        raise NotFound("package", package_id)
    return package


class _Catalogue:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def _admin_only(self, actor_id: UUID) -> None:
        ensure_admin(await load_actor(self.uow, actor_id), self.clock.now())


class CreatePackage(_Catalogue):
    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        super().__init__(uow, clock)
        self.ids = ids

    async def __call__(self, cmd: CreatePackageCommand) -> Package:
        async with self.uow:
            await self._admin_only(cmd.actor_id)
            package = Package(id=self.ids.new_id(), **cmd.as_fields())
            await self.uow.packages.add(package)
            await self.uow.audit.add(audit.package_created(package, cmd.actor_id,
                                                           self.clock.now()))
            await self.uow.commit()
            return package


class UpdatePackage(_Catalogue):
    """Replace a package's terms; subscriptions on it pay the new price from renewal."""

    async def __call__(self, cmd: UpdatePackageCommand) -> Package:
        async with self.uow:
            await self._admin_only(cmd.actor_id)
            package = await self.uow.packages.get(cmd.package_id)
            if package is None:
                raise NotFound("package", cmd.package_id)
            before = audit.package_terms(package)
            package.update(**cmd.as_fields())
            await self.uow.audit.add(audit.package_changed(package, before, cmd.actor_id,
                                                           self.clock.now()))
            await self.uow.commit()
            return package


class DeactivatePackage(_Catalogue):
    """No longer offered; subscriptions already on it carry on."""

    async def __call__(self, cmd: DeactivatePackageCommand) -> Package:
        async with self.uow:
            await self._admin_only(cmd.actor_id)
            package = await self.uow.packages.get(cmd.package_id)
            if package is None:
                raise NotFound("package", cmd.package_id)
            package.deactivate()
            await self.uow.audit.add(audit.package_deactivated(package, cmd.actor_id,
                                                               self.clock.now()))
            await self.uow.commit()
            return package


class SeedCatalogue:
    """The operator's seed (no actor): add each package of the default catalogue whose
    type is not in the catalogue yet. Idempotent; returns the packages it added."""

    def __init__(self, uow: UnitOfWork, ids: IdGenerator, policy: Policy) -> None:
        self.uow, self.ids, self.policy = uow, ids, policy

    async def __call__(self) -> list[Package]:
        async with self.uow:
            present = {p.type for p in await self.uow.packages.list_all()}
            added = [p for p in default_catalogue(self.ids.new_id, self.policy.currency)
                     if p.type not in present]
            for package in added:
                await self.uow.packages.add(package)
            await self.uow.commit()
        return added
