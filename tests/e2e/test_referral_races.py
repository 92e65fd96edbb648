"""Two invitations of the same email by the same referrer, at once: the use case's check
sees none open in either, and the database's partial unique index keeps the rule (one
open referral per referrer and email). One is created, the other refused with the
domain's 409 (``tests/support/races.py`` makes the requests meet)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cuiot.adapters.persistence.orm.referrals import referrals
from tests.e2e.conftest import Api
from tests.e2e.test_referrals_api import V1, caregiver
from tests.support.races import at_once


@pytest.mark.parametrize("requests", [2, 5])
async def test_simultaneous_invitations_of_one_email_create_one_referral(
        api: Api, requests: int) -> None:
    marta, _ = await caregiver(api, await api.admin(), "marta@example.com")
    answers = await at_once(api.container.engine(), "referrals", requests, lambda: (
        api.client.post(f"{V1}/referrals/generate-code", headers=marta,
                        json={"email": "Nueva@example.com", "referrer_type": "caregiver"})))
    assert sorted(a.status_code for a in answers) == [201] + [409] * (requests - 1), [
        a.text for a in answers]
    for refused in (a.json() for a in answers if a.status_code == 409):
        assert (refused["error"], refused["message"], refused["details"]["reason"]) == (
            "conflict", "this email already has an open referral from you",
            "open_referral_exists")
    async with api.container.engine().connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(referrals)) == 1
