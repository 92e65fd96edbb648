"""Invoices: the viewer's own (those of the subscriptions they own), everyone's for an
admin. Someone else's invoice is not found, never forbidden."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.billing.ports import InvoiceView, InvoiceViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import NotFound

FIRST_HUNDRED = Window(0, 100)


@dataclass(frozen=True, slots=True)
class ListInvoicesQuery:
    viewer: Viewer
    window: Window = FIRST_HUNDRED


class ListInvoices:
    """The viewer's invoices, newest first; an admin sees everyone's."""

    def __init__(self, invoices: InvoiceViews, clock: Clock) -> None:
        self.invoices, self.clock = invoices, clock

    async def __call__(self, query: ListInvoicesQuery) -> list[InvoiceView]:
        return await self.invoices.page(query.viewer, query.window)


@dataclass(frozen=True, slots=True)
class GetInvoiceQuery:
    viewer: Viewer
    invoice_id: UUID


class GetInvoice:
    """One invoice of the viewer's (``NotFound`` for someone else's); admins see any."""

    def __init__(self, invoices: InvoiceViews, clock: Clock) -> None:
        self.invoices, self.clock = invoices, clock

    async def __call__(self, query: GetInvoiceQuery) -> InvoiceView:
        found = await self.invoices.one(query.invoice_id, query.viewer)
        if found is None:
            raise NotFound("invoice", query.invoice_id)
        return found
