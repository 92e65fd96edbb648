"""/cared-persons/{id}/deactivate, /reactivate and /erase, and /cared-persons/deactivated:
a cared person's lifecycle (``application/care/commands/lifecycle.py``).

Whoever manages the person (the account holder, the legal representative in force) or
an admin may; someone who only sees them gets 403; anyone else 404, as for a person that
does not exist. A deactivated person is seen by admins alone, and by their managers
here: in ``GET /cared-persons/deactivated`` and through these three routes."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from cuiot.adapters.persistence.views.lifecycle import SqlDeactivatedPersonViews
from cuiot.application.care.commands.lifecycle import (
    CaredPersonCommand,
    DeactivateCaredPerson,
    EraseCaredPerson,
    ReactivateCaredPerson,
)
from cuiot.application.care.queries.lifecycle import (
    ListDeactivatedCaredPersons,
    ListDeactivatedCaredPersonsQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.subscriptions import GatedAction
from cuiot.entrypoints.http.care.schemas import CaredPersonOut
from cuiot.entrypoints.http.deps import PageParams, Principal, query, use
from cuiot.entrypoints.http.schemas import Page, subscription_required

router = APIRouter(prefix="/cared-persons", tags=["cared persons"])

ListDeactivated = Annotated[ListDeactivatedCaredPersons,
                            Depends(query(ListDeactivatedCaredPersons,
                                          SqlDeactivatedPersonViews))]
Deactivate = Annotated[DeactivateCaredPerson, Depends(use(DeactivateCaredPerson))]
Reactivate = Annotated[ReactivateCaredPerson, Depends(use(ReactivateCaredPerson))]
Erase = Annotated[EraseCaredPerson, Depends(use(EraseCaredPerson))]


@router.get("/deactivated", response_model=Page[CaredPersonOut],
            summary="The deactivated cared persons the caller manages, oldest first",
            description="Those the caller may reactivate or have erased: as the account "
                        "holder or the legal representative in force (admins: every one). "
                        "They appear in no other list.")
async def list_deactivated(principal: Principal, page: PageParams,
                           list_: ListDeactivated) -> Page[CaredPersonOut]:
    found = await list_(ListDeactivatedCaredPersonsQuery(
        Viewer.of(principal.user_id, principal.roles), Window(page.offset, page.limit)))
    return Page.of([CaredPersonOut.of(cp) for cp in found], page.offset, page.limit)


@router.post("/{cared_person_id}/deactivate", response_model=CaredPersonOut,
             summary="Stop watching over a cared person, at once",
             description="From now on nothing the person's devices send is kept or opens an "
                         "alert (their messages are refused as `cared_person_deactivated`); "
                         "their open alerts are resolved, so no escalation fires; what was "
                         "still queued to be told of them is cancelled. They leave every "
                         "list and count for no package limit; their history stays. 409 "
                         "when deactivated already.")
async def deactivate_cared_person(cared_person_id: UUID, principal: Principal,
                                  deactivate: Deactivate) -> CaredPersonOut:
    return CaredPersonOut.of(await deactivate(CaredPersonCommand(principal.user_id,
                                                                 cared_person_id)))


@router.post("/{cared_person_id}/reactivate", response_model=CaredPersonOut,
             responses=subscription_required(GatedAction.REACTIVATE_CARED_PERSON),
             summary="Watch over a deactivated cared person again",
             description="As they were, with their devices and history. Gated as adding a "
                         "person is: a subscription in force (402 `subscription_required`; "
                         "the account's only active person is not gated) and room in the "
                         "package for their users, devices and storage (409 "
                         "`package_limit_exceeded`). 409 when active, or once erased.")
async def reactivate_cared_person(cared_person_id: UUID, principal: Principal,
                                  reactivate: Reactivate) -> CaredPersonOut:
    return CaredPersonOut.of(await reactivate(CaredPersonCommand(principal.user_id,
                                                                 cared_person_id)))


@router.post("/{cared_person_id}/erase", response_model=CaredPersonOut,
             summary="Erase a deactivated cared person's personal data, for good",
             description="Names become a placeholder; date of birth, responder information, "
                         "emergency contacts, thresholds, the values of their readings and "
                         "what their alerts' notifications said are erased. Ids stay, and "
                         "with them alerts, events and invoices (which name no person). 409 "
                         "while active (deactivate first), or when erased already.")
async def erase_cared_person(cared_person_id: UUID, principal: Principal,
                             erase: Erase) -> CaredPersonOut:
    return CaredPersonOut.of(await erase(CaredPersonCommand(principal.user_id,
                                                            cared_person_id)))
