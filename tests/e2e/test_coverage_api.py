"""GET /api/v1/cared-persons/{id}/coverage through HTTP, on SQLite and PostgreSQL: the
state reason by reason for whoever may see the person, a 404 for anyone else, and the
answer following what devices report."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from tests.e2e.test_devices_api import V1, family, member_of, register, send


async def test_the_coverage_explains_each_reason_to_those_who_see_the_person(api):
    ana = await family(api, "ana@example.com")
    bruno = await member_of(api, ana, "bruno@example.com")
    button = await register(api, ana, "panic-1", "panic_button")
    url = f"{V1}/cared-persons/{ana.person_id}/coverage"

    answer = await api.client.get(url, headers=ana.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["cared_person_id"], body["state"]) == (ana.person_id, "degraded")
    assert body["reasons"] == [{
        "code": "no_reachable_responder", "subject_id": ana.person_id,
        "subject_name": "Elena Gómez",
        "message": "Nadie del primer nivel de aviso (la persona si se cuida sola, su "
                   "representante legal o su cuidador principal) puede recibir avisos: una "
                   "alerta llegaría a la familia recién en el segundo nivel."}]
    assert datetime.fromisoformat(body["evaluated_at"]).tzinfo is not None

    reported = await send(api, button, {}, battery_level=12)
    assert reported.status_code in (200, 201, 202), reported.text
    seen = (await api.client.get(url, headers=bruno)).json()
    assert seen["state"] == "degraded"
    assert [(r["code"], r["subject_id"], r["subject_name"]) for r in seen["reasons"]] == [
        ("battery_low", button["id"], "Equipo panic-1"),
        ("no_reachable_responder", ana.person_id, "Elena Gómez")]
    assert "12 %" in seen["reasons"][0]["message"]


async def test_anyone_else_is_told_the_person_does_not_exist(api):
    ana = await family(api, "ana@example.com")
    zoe = await api.user("zoe@example.com")
    for person in (ana.person_id, str(uuid4())):
        answer = await api.client.get(f"{V1}/cared-persons/{person}/coverage", headers=zoe)
        assert answer.status_code == 404 and answer.json()["error"] == "not_found", answer.text
    admin = await api.admin()
    seen = await api.client.get(f"{V1}/cared-persons/{ana.person_id}/coverage", headers=admin)
    assert seen.status_code == 200 and seen.json()["state"] == "degraded"
    nobody = await api.client.get(f"{V1}/cared-persons/{ana.person_id}/coverage")
    assert nobody.status_code == 401


async def test_the_route_is_documented_with_examples(api):
    schema = (await api.client.get("/openapi.json")).json()
    operation = schema["paths"]["/api/v1/cared-persons/{cared_person_id}/coverage"]["get"]
    assert "200" in operation["responses"]
    reason = schema["components"]["schemas"]["CoverageReasonOut"]["properties"]
    assert reason["code"]["enum"] == ["device_offline", "battery_low",
                                      "no_reachable_responder", "no_delivery"]
    assert all("examples" in field for field in reason.values())
