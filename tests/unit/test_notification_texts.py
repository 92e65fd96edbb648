"""What a notification of an alert says: Spanish words from the domain's one table
("crítica", "presión arterial"), never the machine values, which stay in the payload."""

from __future__ import annotations

from cuiot.domain.notifications import Channel
from tests.support.alerts import BP_CRITICAL, SafetyBench


async def opened_alert_notices():
    bench = SafetyBench()
    ana = bench.user("Ana")
    person = bench.person(ana, "Rosa")
    bench.representative(person, ana)
    await bench.reading(await bench.device(person), BP_CRITICAL)
    return bench, bench.notifications()


async def test_a_new_critical_alert_reads_in_spanish():
    _, notices = await opened_alert_notices()
    assert {n.channel for n in notices} == {Channel.EMAIL}
    for notice in notices:
        assert notice.subject == "CUIOT: alerta crítica de presión arterial de Rosa Gómez"
        assert notice.body == ("Alerta crítica de presión arterial de Rosa Gómez (nueva, "
                               "nivel 1): 1 evento. Confírmela en CUIOT para detener el escalado.")
        assert (notice.payload["severity"], notice.payload["alert_type"]) == (
            "critical", "blood_pressure")


async def test_an_escalated_alert_names_the_level_and_why():
    bench, _ = await opened_alert_notices()
    bench.advance(minutes=3)
    await bench.escalate()
    (notice, *_) = bench.notifications(level=2)
    assert "(escalada, nivel 2)" in notice.body and "escalated" not in notice.body
