from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.entrypoints.settings import Settings


def test_without_a_setting_the_domain_defaults_hold(monkeypatch):
    monkeypatch.delenv("CUIOT_ESCALATION_TIMEOUTS", raising=False)
    assert Settings().policy().escalation_timeouts == DEFAULT_POLICY.escalation_timeouts


def test_an_operator_overrides_the_escalation_timeouts(monkeypatch):
    monkeypatch.setenv("CUIOT_ESCALATION_TIMEOUTS", "critical=10,high=20,medium=30")
    assert Settings().policy().escalation_timeouts == {
        "critical": timedelta(seconds=10), "high": timedelta(seconds=20),
        "medium": timedelta(seconds=30)}


def test_the_severities_left_out_keep_the_domain_defaults(monkeypatch):
    monkeypatch.setenv("CUIOT_ESCALATION_TIMEOUTS", "critical=10")
    assert Settings().policy().escalation_timeouts == {
        **DEFAULT_POLICY.escalation_timeouts, "critical": timedelta(seconds=10)}
    assert DEFAULT_POLICY.escalation_timeouts["high"] == timedelta(seconds=300)


@pytest.mark.parametrize("bad", ["critical=0,high=1", "low=5,high=1", "critical=ten",
                                 "critical=5,critical=6", "critical"])
def test_a_wrong_override_is_refused(monkeypatch, bad):
    monkeypatch.setenv("CUIOT_ESCALATION_TIMEOUTS", bad)
    with pytest.raises(ValidationError):
        Settings()


def test_an_empty_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("CUIOT_SMTP_URL", "")
    monkeypatch.setenv("CUIOT_RATE_LIMIT_PER_MINUTE", "")
    settings = Settings()
    assert settings.smtp_url is None and settings.rate_limit_per_minute == 60
