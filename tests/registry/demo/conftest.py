"""The living demo, loaded once for the whole package (one `flask seed-demo`: about 15 s on SQLite, longer on
PostgreSQL): every test here only reads it, so each engine's run seeds the demo once."""
from types import SimpleNamespace

import pytest

from registry.core.clock import now_utc
from registry.demo import cli
from registry.extensions import db, limiter
from tests.conftest import _empty_tables


@pytest.fixture(scope="package")
def demo(app):
    """The demo as `flask seed-demo` loads it, with its records: its region, year, today and the record plans."""
    with app.app_context():
        region, story, _ = cli.load(now_utc())
        db.session.commit()
        loaded = SimpleNamespace(region_id=region.id, year=story.year, today=story.clock.now.astimezone(
            story.clock.tz).date(), plans=story.plans)
        db.session.remove()
    yield loaded
    with app.app_context():
        _empty_tables()


@pytest.fixture(autouse=True)
def _app_context(app, demo):
    """Overrides the suite's per-test emptying: every test of this package reads the one demo."""
    with app.app_context():
        yield
        db.session.remove()
        limiter.reset()
