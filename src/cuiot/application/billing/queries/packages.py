"""The package catalogue: anyone may browse the offered packages; admins see them all."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.billing.ports import PackageView, PackageViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import NotFound


def _sees_inactive(viewer: Viewer | None) -> bool:
    return viewer is not None and viewer.is_admin


@dataclass(frozen=True, slots=True)
class ListPackagesQuery:
    viewer: Viewer | None = None  # the catalogue is public
    include_inactive: bool = False  # honoured for admins only
    window: Window | None = None  # None: the whole catalogue


class ListPackages:
    """Active packages, cheapest first; an admin may ask for the inactive ones too."""

    def __init__(self, packages: PackageViews, clock: Clock) -> None:
        self.packages, self.clock = packages, clock

    async def __call__(self, query: ListPackagesQuery) -> list[PackageView]:
        everything = query.include_inactive and _sees_inactive(query.viewer)
        return await self.packages.page(everything, query.window)


@dataclass(frozen=True, slots=True)
class GetPackageQuery:
    package_id: UUID
    viewer: Viewer | None = None


class GetPackage:
    """A package; an inactive one only for admins (``NotFound`` for anyone else)."""

    def __init__(self, packages: PackageViews, clock: Clock) -> None:
        self.packages, self.clock = packages, clock

    async def __call__(self, query: GetPackageQuery) -> PackageView:
        found = await self.packages.one(query.package_id, _sees_inactive(query.viewer))
        if found is None:
            raise NotFound("package", query.package_id)
        return found
