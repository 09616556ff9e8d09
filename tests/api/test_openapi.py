"""The OpenAPI description is generated, served, and lists every route; every refusal has one error shape."""
import re
from datetime import UTC, datetime, timedelta

from tests.api.helpers import BASE, assert_error, submission_url
from tests.factories import VALID_VALUES

CYRILLIC = re.compile("[а-яА-ЯёЁ]")


def test_openapi_lists_every_api_route(app, api_as):
    response = api_as(None).get("/api/v1/openapi.json")  # public, like any API description
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint.split(".")[0] != "api-docs":
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            routes.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    assert len(routes) >= 22
    for path, methods in routes.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), (path, methods)
    for required in ("/api/v1/auth/token", "/api/v1/regions/{region_code}/campaigns/{year}",
                     "/api/v1/regions/{region_code}/campaigns/{year}/submissions/{org_code}",
                     "/api/v1/regions/{region_code}/campaigns/{year}/aggregates/{unit_code}",
                     "/api/v1/regions/{region_code}/campaigns/{year}/extensions"):
        assert required in spec["paths"]


def test_openapi_documents_bearer_auth_and_the_error_shape(api_as):
    spec = api_as(None).get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []
    put = spec["paths"]["/api/v1/regions/{region_code}/campaigns/{year}/submissions/{org_code}"]["put"]
    assert {"200", "401", "403", "404", "409", "422", "423"} <= set(put["responses"])
    assert put["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SubmissionPut"}
    assert set(spec["components"]["schemas"]["ApiErrorDetail"]["properties"]) >= {"code", "message", "fields"}
    aggregate = spec["components"]["schemas"]["Aggregate"]["properties"]
    assert set(aggregate) == {"unit", "values", "indicators", "completeness"}


def test_every_error_status_has_the_same_body(world, api_as):
    curator, operator = api_as(world.curator), api_as(world.operator)
    errors = [
        assert_error(curator.put(submission_url("27-KHV-S1"), data="{", content_type="application/json"), 400,
                     "bad_request"),
        assert_error(api_as(None).get(BASE), 401, "unauthorized"),
        assert_error(curator.get(submission_url("27-KHV-DOD")), 403, "forbidden"),
        assert_error(curator.get(submission_url("NOPE")), 404, "not_found"),
        assert_error(curator.get("/api/v1/regions/27/nothing-here"), 404, "not_found"),
        assert_error(curator.delete(BASE), 405),
        assert_error(curator.post(submission_url("27-KHV-S1", "submit")), 422, "validation_failed"),
        assert_error(curator.put(submission_url("27-KHV-S1"), json={"values": {"students_total": "x"}, "version": 0}),
                     422, "validation_failed"),
    ]
    curator.put(submission_url("27-KHV-S1"), json={"values": VALID_VALUES, "version": 0})
    errors.append(assert_error(curator.put(submission_url("27-KHV-S1"), json={"values": {}, "version": 0}), 409,
                               "version_conflict"))
    errors.append(assert_error(api_as(world.khv_official).post(submission_url("27-KHV-S1", "accept")), 409,
                               "invalid_transition"))
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    operator.patch(BASE, json={"deadlines": {"organization": past}})
    errors.append(assert_error(curator.post(submission_url("27-KHV-S1", "submit")), 423, "window_closed"))
    for error in errors:
        assert CYRILLIC.search(error["message"]), error  # messages are in Russian
        for messages in error["fields"].values():
            assert all(CYRILLIC.search(m) for m in messages), error
