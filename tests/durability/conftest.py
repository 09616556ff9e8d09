"""Fixtures for the durability tests: a real gunicorn against the test database."""
import pytest

from registry.extensions import db
from tests.support.server import Gunicorn


@pytest.fixture
def database_url(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"]


@pytest.fixture
def server(database_url):
    """gunicorn with two sync workers on loopback."""
    db.session.commit()
    server = Gunicorn(database_url, workers=2)
    try:
        yield server
    finally:
        server.stop()
