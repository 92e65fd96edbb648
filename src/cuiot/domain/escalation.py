"""The escalation ladder (DOMAIN.md section 6), with T the timeout of the alert's
severity (``policy.escalation_timeouts``: critical 2 min, high 5 min, medium 15 min):

- at 0 the alert opens at level 1 and level 1 is notified at once — a safety system
  never waits a timeout before telling anyone;
- at T, not acknowledged → level 2; at 2T → level 3;
- at 3T, 4T, 5T → level 3 again (``policy.escalation_repeats_at_max_level`` repeats);
- at 6T → ``unhandled``: the admins are told and escalation stops.

Who each level is (``audience_at``; the application loads the people):
1. the cared person (self care), the active legal representative, the primary caregiver;
2. every user with access: account holder, members, the person, every assigned
   caregiver, the representative;
3. the institution's on-call staff and the person's emergency contacts.

Users are told on every level that names them by the channels they chose (family and
caregivers alike: ``User.alert_addresses``); emergency contacts by email and/or SMS.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cuiot.domain.policy import Policy

FIRST_LEVEL = 1


class Audience(StrEnum):
    CLOSEST = "closest"  # the person (self care), the representative, the primary caregiver
    WITH_ACCESS = "with_access"  # every user with access, every assigned caregiver
    ON_CALL_AND_CONTACTS = "on_call_and_contacts"  # institution on call, emergency contacts


LADDER = (Audience.CLOSEST, Audience.WITH_ACCESS, Audience.ON_CALL_AND_CONTACTS)


def audience_at(level: int) -> Audience:
    """Whom ``level`` names; every level from the top one up names the top audience."""
    return LADDER[min(max(level, FIRST_LEVEL), len(LADDER)) - FIRST_LEVEL]


@dataclass(frozen=True, slots=True)
class Rung:
    level: int
    repeat: int  # how many times the top level has been notified again


def next_rung(level: int, repeats: int, policy: Policy) -> Rung | None:
    """Where an alert not acknowledged in time goes next; None when the ladder ran out."""
    if level < policy.escalation_max_level:
        return Rung(level + 1, repeats)
    if repeats < policy.escalation_repeats_at_max_level:
        return Rung(level, repeats + 1)
    return None


def fallback_levels(level: int) -> range:
    """The levels to try, highest first, when a level has nobody to notify: the next
    lower level's recipients are told again rather than nobody."""
    return range(level, FIRST_LEVEL - 1, -1)
