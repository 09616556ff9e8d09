"""What the fuzzer found, pinned: ids beyond a database INTEGER are a 404, NUL characters a 400 — never a 500."""
from tests.api.helpers import BASE, assert_error


def test_ids_beyond_integer_range_are_not_found(world, api_as, login_as):
    assert_error(api_as(None).get("/api/v1/public/mentors/799930504713314762752"), 404, "not_found")
    assert_error(api_as(world.operator).get(f"{BASE}/snapshots/{2**31}"), 404, "not_found")
    assert api_as(None).get(f"/api/v1/public/mentors/{2**31 - 1}").status_code == 404
    assert login_as(world.operator).get(f"/campaigns/27/{2**40}/").status_code == 404
    spec = api_as(None).get("/api/v1/openapi.json").get_json()
    [param] = spec["paths"]["/api/v1/public/mentors/{mentor_id}"]["parameters"]
    assert param["schema"]["maximum"] == 2**31 - 1  # documented, so clients know


def test_nul_characters_are_refused_in_json_query_path_and_forms(world, api_as, login_as):
    operator = api_as(world.operator)
    message = "Запрос содержит недопустимый символ NUL (\\0)."
    body = {"unit_code": "27-KHV-S1", "until": "2030-01-01T00:00:00+00:00", "reason": "болезнь\x00"}
    assert assert_error(operator.post(f"{BASE}/extensions", json=body), 400, "bad_request")["message"] == message
    assert_error(operator.get(f"{BASE}/submissions?municipality=27%00"), 400, "bad_request")
    assert_error(operator.get(f"{BASE}/aggregates/27%00KHV"), 400, "bad_request")
    browser = login_as(world.operator)
    response = browser.post(f"/campaigns/27/{world.campaign.year}/extensions",
                            {"unit_code": "27-KHV-S1", "reason": "x\x00"})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
