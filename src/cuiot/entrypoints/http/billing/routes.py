"""/packages (a public catalogue, edited by admins), /user-packages and
/institution-packages (subscriptions), /invoices."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.security import HTTPAuthorizationCredentials

from cuiot.adapters.persistence.views.billing import (
    SqlInvoiceViews,
    SqlPackageViews,
    SqlSubscriptionViews,
)
from cuiot.application.billing.commands.invoices import PayInvoice, PayInvoiceCommand
from cuiot.application.billing.commands.packages import (
    CreatePackage,
    CreatePackageCommand,
    DeactivatePackage,
    DeactivatePackageCommand,
    UpdatePackage,
    UpdatePackageCommand,
)
from cuiot.application.billing.commands.plan_changes import (
    ChangePlan,
    ChangePlanCommand,
    CheckSubscriptionOwner,
    CheckSubscriptionOwnerCommand,
)
from cuiot.application.billing.commands.subscriptions import (
    CancelSubscription,
    CancelSubscriptionCommand,
    Subscribe,
    SubscribeCommand,
)
from cuiot.application.billing.queries.invoices import (
    GetInvoice,
    GetInvoiceQuery,
    ListInvoices,
    ListInvoicesQuery,
)
from cuiot.application.billing.queries.packages import (
    GetPackage,
    GetPackageQuery,
    ListPackages,
    ListPackagesQuery,
)
from cuiot.application.billing.queries.subscriptions import (
    ListSubscriptions,
    ListSubscriptionsQuery,
)
from cuiot.application.identity.queries.authenticate import Principal as AuthPrincipal
from cuiot.application.shared.queries import Viewer, Window
from cuiot.entrypoints.http.billing.schemas import (
    ChangePlanIn,
    InstitutionSubscribeIn,
    InvoiceOut,
    PackageIn,
    PackageOut,
    PlanChangedOut,
    SubscribedOut,
    SubscribeIn,
    SubscriptionOut,
)
from cuiot.entrypoints.http.deps import (
    AdminPrincipal,
    PageParams,
    Principal,
    ReadConnection,
    bearer,
    current_principal,
    query,
    use,
)
from cuiot.entrypoints.http.schemas import Page

packages = APIRouter(prefix="/packages", tags=["packages"])
subscriptions = APIRouter(tags=["subscriptions"])
invoices = APIRouter(prefix="/invoices", tags=["invoices"])


async def optional_principal(
    request: Request,
    conn: ReadConnection,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> AuthPrincipal | None:
    """The caller when a token is sent (it must then be valid); None for anonymous."""
    return None if credentials is None else await current_principal(request, conn, credentials)


MaybePrincipal = Annotated[AuthPrincipal | None, Depends(optional_principal)]


def _viewer(principal: AuthPrincipal) -> Viewer:
    return Viewer.of(principal.user_id, principal.roles)


def _maybe_viewer(principal: AuthPrincipal | None) -> Viewer | None:
    return None if principal is None else _viewer(principal)


# --- the catalogue -----------------------------------------------------------------------
@packages.get("/", response_model=Page[PackageOut],
              summary="The packages on offer, cheapest first (public; no token needed)")
async def list_packages(
        principal: MaybePrincipal, page: PageParams,
        list_: Annotated[ListPackages, Depends(query(ListPackages, SqlPackageViews))],
        include_inactive: Annotated[bool, Query(description="Admins only")] = False,
) -> Page[PackageOut]:
    found = await list_(ListPackagesQuery(_maybe_viewer(principal), include_inactive,
                                          Window(page.offset, page.limit)))
    return Page.of([PackageOut.of_view(p) for p in found], page.offset, page.limit)


@packages.get("/{package_id}", response_model=PackageOut,
              summary="One package on offer (public; admins also see inactive ones)")
async def get_package(
        package_id: UUID, principal: MaybePrincipal,
        get: Annotated[GetPackage, Depends(query(GetPackage, SqlPackageViews))]) -> PackageOut:
    return PackageOut.of_view(await get(GetPackageQuery(package_id, _maybe_viewer(principal))))


@packages.post("/", status_code=status.HTTP_201_CREATED, response_model=PackageOut,
               summary="Add a package to the catalogue (admins)")
async def create_package(body: PackageIn, principal: AdminPrincipal,
                         create: Annotated[CreatePackage, Depends(use(CreatePackage))]
                         ) -> PackageOut:
    return PackageOut.of(await create(CreatePackageCommand(actor_id=principal.user_id,
                                                           **body.terms())))


@packages.put("/{package_id}", response_model=PackageOut,
              summary="Replace a package's terms (admins); subscribers pay them from renewal")
async def update_package(package_id: UUID, body: PackageIn, principal: AdminPrincipal,
                         update: Annotated[UpdatePackage, Depends(use(UpdatePackage))]
                         ) -> PackageOut:
    return PackageOut.of(await update(UpdatePackageCommand(
        actor_id=principal.user_id, package_id=package_id, **body.terms())))


@packages.delete("/{package_id}", response_model=PackageOut,
                 summary="Stop offering a package (admins); answers it, now inactive. "
                         "Subscriptions on it carry on")
async def deactivate_package(
        package_id: UUID, principal: AdminPrincipal,
        deactivate: Annotated[DeactivatePackage, Depends(use(DeactivatePackage))]) -> PackageOut:
    return PackageOut.of(await deactivate(DeactivatePackageCommand(principal.user_id,
                                                                   package_id)))


# --- subscriptions -----------------------------------------------------------------------
@subscriptions.get("/user-packages/", response_model=Page[SubscriptionOut],
                   summary="The caller's subscriptions and those of institutions they run")
async def list_subscriptions(
        principal: Principal, page: PageParams,
        list_: Annotated[ListSubscriptions,
                         Depends(query(ListSubscriptions, SqlSubscriptionViews))],
) -> Page[SubscriptionOut]:
    found = await list_(ListSubscriptionsQuery(_viewer(principal),
                                               Window(page.offset, page.limit)))
    return Page.of([SubscriptionOut.of_view(s) for s in found], page.offset, page.limit)


@subscriptions.post("/user-packages/", status_code=status.HTTP_201_CREATED,
                    response_model=SubscribedOut,
                    summary="Subscribe (legal capacity and package limits apply); "
                            "answers the subscription and its first invoice")
async def subscribe(body: SubscribeIn, principal: Principal,
                    subscribe_: Annotated[Subscribe, Depends(use(Subscribe))]) -> SubscribedOut:
    return SubscribedOut.of(await subscribe_(SubscribeCommand(actor_id=principal.user_id,
                                                             **body.model_dump())))


@subscriptions.post("/institution-packages", status_code=status.HTTP_201_CREATED,
                    response_model=SubscribedOut,
                    summary="Subscribe an institution (its admin); answers the subscription "
                            "and its first invoice")
async def subscribe_institution(
        body: InstitutionSubscribeIn, principal: Principal,
        subscribe_: Annotated[Subscribe, Depends(use(Subscribe))]) -> SubscribedOut:
    return SubscribedOut.of(await subscribe_(SubscribeCommand(actor_id=principal.user_id,
                                                             **body.model_dump())))


async def owned_subscription(
        subscription_id: UUID, principal: Principal,
        check: Annotated[CheckSubscriptionOwner, Depends(use(CheckSubscriptionOwner))]) -> UUID:
    """The subscription, once it is the caller's: FastAPI solves this before it reads the
    body, so someone else's is 404 whatever the body says."""
    await check(CheckSubscriptionOwnerCommand(principal.user_id, subscription_id))
    return subscription_id


@subscriptions.put("/user-packages/{subscription_id}", response_model=PlanChangedOut,
                   summary="Change plan: an upgrade applies now with a prorated invoice, "
                           "a downgrade is scheduled for the next renewal")
async def change_plan(subscription_id: Annotated[UUID, Depends(owned_subscription)],
                      body: ChangePlanIn, principal: Principal,
                      change: Annotated[ChangePlan, Depends(use(ChangePlan))]) -> PlanChangedOut:
    return PlanChangedOut.of(await change(ChangePlanCommand(principal.user_id, subscription_id,
                                                            body.package_id)))


@subscriptions.patch("/user-packages/{subscription_id}/cancel", response_model=SubscriptionOut,
                     summary="Cancel: no renewal; usable until the end of the paid period")
async def cancel_subscription(
        subscription_id: UUID, principal: Principal,
        cancel: Annotated[CancelSubscription, Depends(use(CancelSubscription))],
) -> SubscriptionOut:
    return SubscriptionOut.of(await cancel(CancelSubscriptionCommand(principal.user_id,
                                                                     subscription_id)))


# --- invoices ----------------------------------------------------------------------------
@invoices.get("", response_model=Page[InvoiceOut],
              summary="The caller's invoices, newest first (admins: everyone's)")
async def list_invoices(
        principal: Principal, page: PageParams,
        list_: Annotated[ListInvoices, Depends(query(ListInvoices, SqlInvoiceViews))],
) -> Page[InvoiceOut]:
    found = await list_(ListInvoicesQuery(_viewer(principal), Window(page.offset, page.limit)))
    return Page.of([InvoiceOut.of_view(i) for i in found], page.offset, page.limit)


@invoices.get("/{invoice_id}", response_model=InvoiceOut, summary="One of the caller's invoices")
async def get_invoice(
        invoice_id: UUID, principal: Principal,
        get: Annotated[GetInvoice, Depends(query(GetInvoice, SqlInvoiceViews))]) -> InvoiceOut:
    return InvoiceOut.of_view(await get(GetInvoiceQuery(_viewer(principal), invoice_id)))


@invoices.post("/{invoice_id}/mark-paid", response_model=InvoiceOut,
               summary="Record an invoice as paid (admins); a suspended subscription "
                       "without other overdue invoices is active again")
async def mark_paid(invoice_id: UUID, principal: AdminPrincipal,
                    pay: Annotated[PayInvoice, Depends(use(PayInvoice))]) -> InvoiceOut:
    return InvoiceOut.of(await pay(PayInvoiceCommand(principal.user_id, invoice_id)))


router = APIRouter()
for _group in (packages, subscriptions, invoices):
    router.include_router(_group)
