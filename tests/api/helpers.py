"""Shared URLs and assertions for the API tests."""
from tests.factories import YEAR

BASE = f"/api/v1/regions/27/campaigns/{YEAR}"


def submission_url(org_code: str, action: str = "") -> str:
    return f"{BASE}/submissions/{org_code}" + (f"/{action}" if action else "")


def report_url(municipality_code: str, action: str = "") -> str:
    return f"{BASE}/municipalities/{municipality_code}/report" + (f"/{action}" if action else "")


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The one error shape of PRODUCT.md §7: {"error": {"code", "message", "fields"}}; returns the error."""
    assert response.status_code == status, response.get_data(as_text=True)
    return check_error_body(response.get_json(), code)


def check_error_body(body, code: str | None = None) -> dict:
    """The body is exactly {"error": {"code", "message", "fields"}}; returns the error."""
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert {"code", "message", "fields"} <= set(error), error
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    if code is not None:
        assert error["code"] == code, error
    return error
