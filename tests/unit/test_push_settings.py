"""Choosing the push provider: FCM needs its endpoint and token, and a refusal is one line
that says which and shows a value that works, never the token."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cuiot.entrypoints.settings import Settings
from cuiot.entrypoints.settings_errors import explain

FCM_URL = "https://fcm.googleapis.com/v1/projects/cuiot/messages:send"


def test_push_goes_through_the_webhook_unless_fcm_is_chosen():
    assert Settings().push_provider == "webhook"
    chosen = Settings(push_provider="fcm", fcm_url=FCM_URL, fcm_token="ya29.secret")
    assert (chosen.push_provider, chosen.fcm_url) == ("fcm", FCM_URL)
    assert "ya29.secret" not in repr(chosen)


@pytest.mark.parametrize("given", [{}, {"fcm_url": FCM_URL}, {"fcm_token": "ya29.secret"}])
def test_fcm_needs_its_url_and_token(given):
    with pytest.raises(ValidationError) as refused:
        Settings(push_provider="fcm", **given)
    line = explain(refused.value)
    assert "CUIOT_FCM_URL and CUIOT_FCM_TOKEN" in line and "for example" in line
    assert "\n" not in line and "ya29.secret" not in line
