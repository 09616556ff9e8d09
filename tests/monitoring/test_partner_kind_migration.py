"""Migration 953b0ec21540 on a scratch database of the test engine: partner kinds are kept, never guessed; an
unknown kind may be NULL afterwards; the downgrade restores NOT NULL (unknown → 'other')."""
import tempfile
import uuid

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from registry import create_app
from registry.config import TestConfig
from registry.extensions import db

BEFORE, REVISION = "75abdb95f866", "953b0ec21540"


@pytest.fixture
def scratch_url(app):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tempfile.mkdtemp(prefix='r9-migration-')}/scratch.sqlite3"
        return
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_partner_kinds_survive_the_migration_and_unknown_stays_null(scratch_url):
    scratch = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=scratch_url)
    with scratch.app_context():
        try:
            flask_migrate.upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO regions (id, code, name, timezone, created_at) "
                                     "VALUES (1, '27', 'Хабаровский край', 'Asia/Vladivostok', CURRENT_TIMESTAMP)"))
                for i, (inn, kind) in enumerate((("7707083893", "enterprise"), ("7736207543", "ngo"),
                                                 ("500100732259", "university")), start=1):
                    conn.execute(sa.text("INSERT INTO partners (id, region_id, inn, name, kind, created_at) "
                                         "VALUES (:i, 1, :inn, :name, :kind, CURRENT_TIMESTAMP)"),
                                 {"i": i, "inn": inn, "name": f"Партнёр {i}", "kind": kind})
                with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                    conn.execute(sa.text("INSERT INTO partners (id, region_id, inn, name, kind, created_at) "
                                         "VALUES (9, 1, '1234567890', 'Без вида', NULL, CURRENT_TIMESTAMP)"))
            flask_migrate.upgrade(revision=REVISION)
            with db.engine.begin() as conn:
                kinds = dict(conn.execute(sa.text("SELECT inn, kind FROM partners")).all())
                assert kinds == {"7707083893": "enterprise", "7736207543": "ngo", "500100732259": "university"}
                conn.execute(sa.text("INSERT INTO partners (id, region_id, inn, name, kind, created_at) "
                                     "VALUES (9, 1, '1234567890', 'Без вида', NULL, CURRENT_TIMESTAMP)"))
                with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():  # the kind is still checked
                    conn.execute(sa.text("UPDATE partners SET kind = 'factory' WHERE id = 9"))
                conn.execute(sa.text("INSERT INTO campaigns (id, region_id, year, organization_deadline, "
                                     "municipality_deadline, region_deadline, federal_deadline, forum_at, created_at) "
                                     "VALUES (1, 1, 2026, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
                                     "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
                conn.execute(sa.text("INSERT INTO municipalities (id, region_id, code, name, created_at) "
                                     "VALUES (1, 1, '27-KHV', 'Хабаровск', CURRENT_TIMESTAMP)"))
                with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                    conn.execute(sa.text("INSERT INTO campaign_municipalities (campaign_id, municipality_id, "
                                         "enterprises_total, updated_at) VALUES (1, 1, -1, CURRENT_TIMESTAMP)"))
            flask_migrate.downgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                assert conn.execute(sa.text("SELECT kind FROM partners WHERE id = 9")).scalar() == "other"
                assert "campaign_municipalities" not in sa.inspect(conn).get_table_names()
        finally:
            db.session.remove()
            db.engine.dispose()
