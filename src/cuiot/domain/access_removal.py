"""Access that can be taken back: who may remove whom.

- A member of a cared person is removed by whoever manages the person (the account
  holder or the active legal representative) or an admin; a member may leave by
  themselves. (That the account holder and the person themselves are no members to
  remove is ``CaredPerson.remove_member``'s rule.)
- A caregiver's assignment, pending or accepted, is ended by the manager or an admin;
  a caregiver may step down by themselves.
- A member of an institution's staff (on call or not) is removed by the institution's
  admin or an admin; the institution's admin is not removed this way
  (``Institution.remove_staff``).
- A legal representation is ended, at once, by the representative, the account holder
  or an admin.

Whoever is removed loses access and alerts at once; ``AccessRevoked`` is what the live
stream hears of it, so an open socket of theirs reloads what it may see before it
forwards another alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from cuiot.domain.care import LegalRepresentation
from cuiot.domain.errors import Forbidden

GIVEN_UP = "recipient's access removed"  # why a queued notification is never delivered


@dataclass(frozen=True, slots=True)
class Remover:
    """Who asks to take access away. ``manages``: they manage the person (account holder
    or active legal representative), or administer the institution."""

    user_id: UUID
    is_admin: bool = False
    manages: bool = False

    def in_charge(self) -> bool:
        return self.is_admin or self.manages


def ensure_may_remove_member(remover: Remover, member_id: UUID) -> None:
    if not (remover.in_charge() or remover.user_id == member_id):
        raise Forbidden("only whoever manages the person, an admin or the member themselves "
                        "may remove a member", member_id=str(member_id))


def ensure_may_remove_caregiver(remover: Remover, caregiver_id: UUID) -> None:
    if not (remover.in_charge() or remover.user_id == caregiver_id):
        raise Forbidden("only whoever manages the person, an admin or the caregiver "
                        "themselves may remove a caregiver", caregiver_id=str(caregiver_id))


def ensure_may_remove_staff(remover: Remover, staff_id: UUID) -> None:
    if not remover.in_charge():
        raise Forbidden("only the institution's admin or an admin may remove its staff",
                        user_id=str(staff_id))


def ensure_may_end_representation(remover: Remover, representation: LegalRepresentation,
                                  account_id: UUID) -> None:
    """``account_id``: the holder of the represented person's account."""
    allowed = {representation.representative_id, account_id}
    if not (remover.is_admin or remover.user_id in allowed):
        raise Forbidden("only the representative, the account holder or an admin may end a "
                        "legal representation", representation_id=str(representation.id))


@dataclass(frozen=True, slots=True)
class AccessRevoked:
    """``user_id`` lost access to some cared persons at ``at`` (None: anybody may have,
    every connection looks again)."""

    user_id: UUID | None
    at: datetime
