"""Per-address limits on the public API, the public pages and searches, open-data downloads and token minting
(issue 20): over the limit a 429 in Russian (JSON error format on the API) with Retry-After; other addresses go on."""
import pytest

from registry.core.throttle import TOO_MANY
from tests import factories
from tests.api.helpers import assert_error

TOKEN = "/api/v1/auth/token"


@pytest.fixture
def limit(app, monkeypatch):
    def set_limit(setting: str, value: str = "3 per minute"):
        monkeypatch.setitem(app.config, setting, value)
    return set_limit


def _get(client, url, address="10.0.0.1"):
    return client.get(url, environ_base={"REMOTE_ADDR": address})


def test_the_public_api_is_limited_per_address(world, limit, client):
    limit("PUBLIC_API_LIMIT")
    urls = ["/api/v1/public/mentors", "/api/v1/public/practices", "/api/v1/public/mentors?q=a"]
    assert [_get(client, url).status_code for url in urls] == [200, 200, 200]  # counted together
    refused = _get(client, "/api/v1/public/partners")
    assert assert_error(refused, 429, "too_many_requests")["message"] == TOO_MANY
    assert int(refused.headers["Retry-After"]) > 0
    assert _get(client, "/api/v1/public/mentors", "10.0.0.2").status_code == 200


def test_public_pages_and_searches_are_limited_per_address(world, limit, client):
    limit("PUBLIC_PAGES_LIMIT")
    for query in ("Иван", "Пётр", "Анна"):
        assert _get(client, f"/registry/?q={query}").status_code == 200
    refused = _get(client, "/registry/practices")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    page = refused.get_data(as_text=True)
    assert TOO_MANY in page and 'class="brand"' in page
    assert _get(client, "/registry/", "10.0.0.2").status_code == 200


def test_open_data_downloads_have_their_own_limit(world, limit, client):
    limit("OPEN_DATA_LIMIT", "2 per minute")
    assert [_get(client, "/registry/data/mentors.csv").status_code for _ in range(2)] == [200, 200]
    refused = _get(client, "/registry/data/mentors.csv")
    assert refused.status_code == 429 and TOO_MANY in refused.get_data(as_text=True)
    assert _get(client, "/registry/").status_code == 200  # the pages' own limit is not spent by downloads


def test_token_minting_is_limited_per_address_even_when_it_succeeds(world, limit, client):
    limit("TOKEN_LIMIT_PER_ADDRESS")
    body = {"email": world.curator.email, "password": factories.PASSWORD}
    statuses = [client.post(TOKEN, json=body, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = client.post(TOKEN, json=body, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert assert_error(refused, 429, "too_many_requests")["message"] == TOO_MANY
    assert client.post(TOKEN, json=body, environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 200


def test_the_defaults_are_finite(app):
    from registry.config import BaseConfig
    for name in ("PUBLIC_API_LIMIT", "PUBLIC_PAGES_LIMIT", "OPEN_DATA_LIMIT", "TOKEN_LIMIT_PER_ADDRESS"):
        assert "per minute" in getattr(BaseConfig, name) and "per hour" in getattr(BaseConfig, name)


def test_the_openapi_document_names_the_429_of_every_public_route(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    public = [path for path in paths if path.startswith("/api/v1/public/")]
    assert public and all("429" in paths[path]["get"]["responses"] for path in public)
