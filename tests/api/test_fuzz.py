"""The v1 API fuzzed from its own OpenAPI description (schemathesis, in-process over WSGI).

At least MIN_CASES generated requests per run, valid and invalid, as a region operator: no answer is a
server error, and every refusal has the JSON error shape. Hypothesis is derandomized, so CI is reproducible.
"""
import json
import math

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from registry.extensions import db
from surveys import services as surveys
from tests import factories
from tests.api.helpers import check_error_body

MIN_CASES = 1000
#: Logging out would void the token the rest of the run uses; its refusals are covered by test_auth_api.
SKIP = {("POST", "/api/v1/auth/logout")}


def _known_parameters(world) -> dict:
    """Path values that exist, so generated requests also reach the code behind the 404s."""
    survey, tokens = surveys.open_survey(world.campaign, world.school, "mentee", 50, actor=world.curator)
    db.session.commit()
    return {"region_code": "27", "year": factories.YEAR, "org_code": world.school.code,
            "municipality_code": world.khv.code, "unit_code": world.khv.code, "survey_id": survey.id,
            "token": tokens[0]}


def _strategy(operation, known: dict):
    names = {p.name for p in operation.path_parameters}
    fixed = {k: v for k, v in known.items() if k in names}
    modes = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    if fixed:
        modes += [operation.as_strategy(generation_mode=mode, path_parameters=fixed) for mode in GenerationMode]
    return st.one_of(modes)


def test_api_fuzz_has_no_server_errors_and_json_refusals(app, world, api_as):
    token = api_as(world.operator).headers
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [op.ok() for op in schema.get_all_operations()]
    operations = [op for op in operations if (op.method.upper(), op.full_path) not in SKIP]
    assert len(operations) == len(schema) - len(SKIP)
    per_operation = math.ceil(MIN_CASES * 1.15 / len(operations))  # headroom: tiny input spaces end early
    known = _known_parameters(world)
    counted = {"cases": 0, "by_status": {}}
    failures = []

    for operation in operations:
        @settings(max_examples=per_operation, derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=_strategy(operation, known))
        def fuzz(case):
            counted["cases"] += 1
            with app.app_context():  # each request in its own context, as in production
                response = case.call(headers=token)
            counted["by_status"][response.status_code] = counted["by_status"].get(response.status_code, 0) + 1
            label = f"{case.method} {case.formatted_path} → {response.status_code}"
            if response.status_code >= 500:
                failures.append(f"{label}: {response.content[:300]!r}")
            elif response.status_code >= 400:
                try:
                    check_error_body(json.loads(response.content))
                except (AssertionError, ValueError) as exc:
                    failures.append(f"{label}: not a JSON error: {exc}")

        fuzz()
    assert not failures, "\n".join(failures[:30])
    assert counted["cases"] >= MIN_CASES, counted
    print(f"fuzzed {counted['cases']} cases over {len(operations)} operations: {counted['by_status']}")
