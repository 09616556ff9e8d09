"""Security headers on every response (each GET route of the url map, error pages, static files, the API),
HSTS only over https (X-Forwarded-Proto only from a trusted proxy), templates without inline script, and CSRF
on every non-GET form route. Routes, paths and allowed roles come from the authorization matrix."""
import re

import pytest
import sqlalchemy as sa

from registry.config import PROJECT_ROOT
from registry.extensions import db
from tests import factories
from tests.conftest import Browser
from tests.test_scope_matrix import MATRIX, ROLES, _fill, _rich_world


def _assert_security_headers(response, label: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("script-src") == ["'self'"], (label, csp)
    assert directives.get("frame-ancestors") == ["'none'"], (label, csp)
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, (label, csp)
    assert headers.get("X-Content-Type-Options") == "nosniff", label
    assert headers.get("Referrer-Policy") in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}, label
    assert "Strict-Transport-Security" not in headers, label  # plain http: no HSTS


def _role_for(allowed: set[str]) -> str:
    return next(role for role in ROLES if role in allowed)


class Clients:
    """One logged-in browser and one API token per role, made on demand."""

    def __init__(self, app, world):
        self.app, self.world, self.browsers, self.tokens = app, world, {}, {}

    def browser(self, role: str) -> Browser:
        if role not in self.browsers:
            browser = Browser(self.app.test_client())
            if role == "anon":
                browser.login("nobody@example.ru")  # only to obtain a CSRF token
            else:
                assert browser.login(getattr(self.world, role).email).status_code == 302
            self.browsers[role] = browser
        return self.browsers[role]

    def api_headers(self, role: str) -> dict:
        if role == "anon":
            return {}
        if role not in self.tokens:
            response = self.app.test_client().post("/api/v1/auth/token", json={
                "email": getattr(self.world, role).email, "password": factories.PASSWORD})
            self.tokens[role] = response.get_json()["token"]
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def test_every_get_route_error_page_static_file_and_api_answer_has_the_headers(app):
    world, ids = _rich_world()
    ids["email"] = world.curator.email
    clients = Clients(app, world)
    routes = sorted(route for route in MATRIX if route[1] == "GET")
    assert {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods} == {e for e, _ in routes}
    for endpoint, _ in routes:
        path_template, _, allowed = MATRIX[(endpoint, "GET")]
        path, role = _fill(path_template, ids), _role_for(allowed)
        if path.startswith("/api/"):
            response = app.test_client().get(path, headers=clients.api_headers(role))
        else:
            response = clients.browser(role).get(path)
        response.close()
        assert response.status_code < 400, (endpoint, path, response.status_code)
        _assert_security_headers(response, endpoint)
    anonymous = app.test_client()
    curator = clients.browser("curator")
    others = {
        "web 404": anonymous.get("/no/such/page"),
        "web 403": curator.get("/admin/users"),
        "web 405": anonymous.put("/auth/login"),
        "csrf 400": curator.client.post("/auth/logout"),
        "login redirect": anonymous.get("/admin/users"),
        "api 401": anonymous.get("/api/v1/regions/27/campaigns"),
        "api 404": app.test_client().get("/api/v1/nothing", headers=clients.api_headers("curator")),
        "api 422": anonymous.post("/api/v1/auth/token", json={}),
        "static": anonymous.get("/static/app.css"),
        "static 404": anonymous.get("/static/missing.js"),
    }
    for label, response in others.items():
        response.close()
        _assert_security_headers(response, label)
    assert others["web 404"].status_code == 404 and others["api 401"].status_code == 401


def test_hsts_only_over_https(app, world):
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers
    secure = client.get("/auth/login", base_url="https://registry.example.ru")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(secure.headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 180 * 24 * 3600
    api = client.get("/api/v1/openapi.json", base_url="https://registry.example.ru")
    assert "Strict-Transport-Security" in api.headers


def test_forwarded_proto_and_address_count_only_behind_a_trusted_proxy(app, world, monkeypatch):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/auth/login", headers=forwarded).headers
    monkeypatch.setitem(app.config, "TRUST_PROXY", 1)
    assert "Strict-Transport-Security" in client.get("/auth/login", headers=forwarded).headers


TEMPLATES = sorted((PROJECT_ROOT / "templates").rglob("*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(PROJECT_ROOT / "templates")))
def test_templates_have_no_inline_script_or_event_handlers(template):
    source = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(source), "inline <script> block"
    assert not HANDLER.search(source), "on…= event handler attribute"
    assert not JS_URL.search(source), "javascript: URL"
    assert "style=" not in source and "<style" not in source.lower(), "inline style (CSP style-src 'self')"


def _row_counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t.name: conn.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables}


#: Form routes without a CSRF token, and why. The survey answer page acts on no cookie-borne authority: the one-time
#: link in the URL is the respondent's only credential, so a forged cross-site POST could do nothing its sender
#: cannot do directly with the link (surveys/answer_views.py).
CSRF_FREE = {("survey_answer.answer_submit", "POST")}


def test_every_form_route_refuses_a_missing_or_wrong_csrf_token(app):
    """Logged in as a user allowed to act, a POST without the session's token is a 400 and changes nothing."""
    world, ids = _rich_world()
    ids["email"] = world.curator.email
    clients = Clients(app, world)
    stranger = Browser(app.test_client())
    stranger.login("nobody@example.ru")
    other_session_token = stranger.csrf  # valid, but for another session
    routes = sorted({(r.endpoint, m) for r in app.url_map.iter_rules() for m in r.methods - {"GET", "HEAD", "OPTIONS"}
                     if not r.rule.startswith("/api/")} - CSRF_FREE)
    assert len(routes) >= 20
    before = _row_counts()
    for endpoint, method in routes:
        path_template, body_template, allowed = MATRIX[(endpoint, method)]
        path, body = _fill(path_template, ids), dict(_fill(body_template, ids) or {})
        browser = clients.browser(_role_for(allowed))
        for token in (None, "wrong-token", other_session_token):
            data = body if token is None else {**body, "csrf_token": token}
            response = browser.client.open(path, method=method, data=data)
            assert response.status_code == 400, (endpoint, token, response.status_code)
            assert "Форма устарела" in response.get_data(as_text=True), endpoint
        assert _row_counts() == before, endpoint
