"""Every request body field in the OpenAPI docs carries an example, and every operation
documents what it answers."""

from __future__ import annotations


async def test_every_request_body_field_has_an_example_and_every_route_a_response(api):
    schema = (await api.client.get("/openapi.json")).json()
    models = schema["components"]["schemas"]
    missing, silent, operations = [], [], 0
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations += 1
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                ref = body["schema"].get("$ref") or next(
                    s["$ref"] for s in body["schema"].get("anyOf", []) if "$ref" in s)
                for name, field in models[ref.split("/")[-1]].get("properties", {}).items():
                    if "examples" not in field:
                        missing.append(f"{method.upper()} {path} {name}")
            answers = [code for code in operation["responses"] if code.startswith("2")]
            if not answers or any(code not in ("202", "204")
                                  and not operation["responses"][code].get("content")
                                  for code in answers):
                silent.append(f"{method.upper()} {path}")
    assert operations > 60
    assert missing == [] and silent == []
