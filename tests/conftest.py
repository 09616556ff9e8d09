"""Test app on the engine named by TEST_DATABASE_URL (PostgreSQL or SQLite), migrated once; tables emptied per test.

Tests commit for real (views, API and CLI are exercised as they run in production) and every table is
emptied afterwards, so a test may also start other processes against the same database.
"""
import os
import re
import tempfile

import flask_migrate
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from registry import create_app
from registry.config import TestConfig
from registry.extensions import db as _db
from registry.extensions import limiter
from tests import factories


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail("TEST_DATABASE_URL must be set in CI (the README's test command sets it)")
    return "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="registry-test-"), "test.sqlite3")


class IsolatedClient(FlaskClient):
    """Each request runs in its own application context, as in production.

    The autouse fixture keeps an app context open for the test body; a request pushed inside it would reuse
    it, so `g` (Flask-Login's user) and the database session would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app():
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=_database_url())
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        flask_migrate.upgrade()  # the real migrations, once per session
    return app


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        yield
        _db.session.remove()
        _empty_tables()
        limiter.reset()  # failed-login counters (memory://) must not carry over into the next test


@pytest.fixture(autouse=True)
def _exports_dir(app, tmp_path, monkeypatch):
    """Stored federal forms go to the test's own directory, never into instance/."""
    monkeypatch.setitem(app.config, "EXPORTS_DIR", str(tmp_path / "exports"))


def _empty_tables() -> None:
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # superuser only: lets TRUNCATE past the append-only trigger of audit_entries (the app cannot)
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            conn.execute(sa.text("PRAGMA foreign_keys=OFF"))
            # SQLite cannot switch triggers off: drop audit_entries' (it refuses DELETE) and re-create them after
            triggers = conn.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                            "AND tbl_name = 'audit_entries'")).all()
            for name, _ in triggers:
                conn.execute(sa.text(f'DROP TRIGGER "{name}"'))
            for name in tables:
                conn.execute(sa.text(f"DELETE FROM {name}"))  # noqa: S608 - table names from our metadata
            for _, sql in triggers:
                conn.execute(sa.text(sql))


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def world(app):
    """Region 27 with two municipalities, schools of each type, a college reporting to the region, users of
    every role and an open campaign whose windows are all still open."""
    return factories.build_world()


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A test client that logs in through the real form and posts forms with the session's CSRF token."""

    def __init__(self, client):
        self.client = client
        self.csrf = None

    def login(self, email: str, password: str = factories.PASSWORD):
        page = self.client.get("/auth/login")
        self.csrf = CSRF_RE.search(page.get_data(as_text=True)).group(1)
        response = self.client.post("/auth/login", data={"email": email, "password": password,
                                                          "csrf_token": self.csrf})
        if response.status_code == 302:  # the CSRF token is renewed at login: take the new one from the home page
            self.csrf = CSRF_RE.search(self.client.get("/", follow_redirects=True).get_data(as_text=True)).group(1)
        return response

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, data=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf)
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


@pytest.fixture
def login_as(app):
    """login_as(user) → a Browser logged in as that user."""
    def _login(user):
        b = Browser(app.test_client())
        response = b.login(user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return b
    return _login


class ApiClient:
    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def __getattr__(self, method):
        if method not in {"get", "post", "put", "patch", "delete"}:
            raise AttributeError(method)
        def call(url, **kwargs):
            return getattr(self.client, method)(url, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)
        return call


@pytest.fixture
def api_as(app):
    """api_as(user) → a client sending that user's bearer token (obtained through POST /api/v1/auth/token)."""
    def _api(user):
        client = app.test_client()
        if user is None:
            return ApiClient(client, None)
        response = client.post("/api/v1/auth/token", json={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 200, response.get_data(as_text=True)
        return ApiClient(client, response.get_json()["token"])
    return _api
