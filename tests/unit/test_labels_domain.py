"""The one table of Spanish words for severities, alert types and alert states."""

from __future__ import annotations

import pytest

from cuiot.domain.alerts import AlertStatus
from cuiot.domain.labels import alert_status_label, alert_type_label, severity_label
from cuiot.domain.sensor_events import EventType, Severity


@pytest.mark.parametrize("severity", list(Severity))
def test_every_severity_has_its_own_word(severity):
    assert severity_label(severity) != severity.value
    assert len({severity_label(s) for s in Severity}) == len(Severity)


@pytest.mark.parametrize("event_type", list(EventType))
def test_every_alert_type_has_its_own_words(event_type):
    assert alert_type_label(event_type) != event_type.value
    assert len({alert_type_label(t) for t in EventType}) == len(EventType)


@pytest.mark.parametrize("status", list(AlertStatus))
def test_every_alert_state_has_its_own_word(status):
    assert alert_status_label(status) != status.value


def test_the_words_a_spanish_reader_expects_from_stored_values():
    assert severity_label("critical") == "crítica"
    assert alert_type_label("blood_pressure") == "presión arterial"
    assert alert_type_label(EventType.PANIC_PRESSED) == "botón de pánico"
    assert alert_status_label("acknowledged") == "atendida"


def test_a_type_older_than_the_vocabulary_reads_as_stored():
    assert alert_type_label("smoke_alarm") == "smoke_alarm"
