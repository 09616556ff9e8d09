"""`flask db grant-app-role ROLE`: on PostgreSQL the app runs as a role that owns nothing and may only append to the
audit trail; without PostgreSQL the command refuses."""
import json
import os
import secrets
import subprocess
import sys

import pytest
import sqlalchemy as sa

from registry.extensions import db
from tests import factories
from tests.api.helpers import submission_url
from tests.support.dbstate import every_row
from tests.support.server import ROOT, Gunicorn

#: Roles exist only on PostgreSQL: the tests that use one are defined on that engine only, the refusal on both.
ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")
REFUSED_ON_SQLITE = "Роли базы данных есть только в PostgreSQL"


def _flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """The real CLI in its own process (`flask --app wsgi …`) against `database_url`."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_command_refuses_without_postgresql(tmp_path):
    result = _flask(f"sqlite:///{tmp_path / 'registry.sqlite3'}", "db", "grant-app-role", "registry_app")
    assert result.returncode == 1, result.stdout + result.stderr
    assert REFUSED_ON_SQLITE in result.stderr
    assert "database roles exist only on PostgreSQL" in result.stderr


if not ON_POSTGRESQL:
    def test_the_command_refuses_on_the_sqlite_test_database(app):
        result = app.test_cli_runner().invoke(args=["db", "grant-app-role", "registry_app"])
        assert result.exit_code == 1
        assert REFUSED_ON_SQLITE in result.output


if ON_POSTGRESQL:
    ALL = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")

    def _superuser(statement: str, **params):
        with db.engine.begin() as conn:
            result = conn.execute(sa.text(statement), params)
            return result.all() if result.returns_rows else None

    @pytest.fixture
    def app_role(app):
        """A fresh role name (roles are shared by the whole server); dropped with its grants afterwards."""
        role = f"roles_app_{secrets.token_hex(4)}"
        try:
            yield role
        finally:
            db.session.remove()
            _superuser("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :role", role=role)
            if _superuser("SELECT 1 FROM pg_roles WHERE rolname = :role", role=role):
                _superuser(f'DROP OWNED BY "{role}"')
                _superuser(f'DROP ROLE "{role}"')

    def _grant(app, role: str, *options: str):
        result = app.test_cli_runner().invoke(args=["db", "grant-app-role", role, *options])
        assert result.exit_code == 0, result.output
        return result

    def _rights(role: str, table: str) -> set[str]:
        return {p for p in ALL if _superuser("SELECT has_table_privilege(:role, :table, :p)",
                                             role=role, table=table, p=p)[0][0]}

    def _role_url(role: str, password: str) -> str:
        url = sa.make_url(db.engine.url).set(username=role, password=password)
        return url.render_as_string(hide_password=False)

    def test_the_role_gets_exactly_what_the_app_needs_and_reruns_are_idempotent(app, app_role):
        _grant(app, app_role)
        assert _superuser("SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = :r", r=app_role) == [
            (False, False)]  # without a password: NOLOGIN
        read_write = {"SELECT", "INSERT", "UPDATE", "DELETE"}
        tables = sorted(db.metadata.tables)
        assert {t: _rights(app_role, t) for t in tables} == {
            t: {"SELECT", "INSERT"} if t == "audit_entries" else read_write for t in tables}
        assert _rights(app_role, "alembic_version") == set()
        _superuser(f'GRANT TRUNCATE, UPDATE ON campaigns, audit_entries TO "{app_role}"')  # granted by hand
        _grant(app, app_role, "--password", "second-run")
        assert _rights(app_role, "campaigns") == read_write  # taken back again: exactly the list
        assert _rights(app_role, "audit_entries") == {"SELECT", "INSERT"}
        assert _superuser("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r", r=app_role) == [(True,)]

    def test_rerunning_after_a_migration_grants_the_new_tables(app, app_role):
        _grant(app, app_role)
        _superuser("CREATE TABLE roles_probe (id serial PRIMARY KEY, note text)")  # what a new migration adds
        try:
            assert _rights(app_role, "roles_probe") == set()
            _grant(app, app_role)
            assert _rights(app_role, "roles_probe") == {"SELECT", "INSERT", "UPDATE", "DELETE"}
            assert _superuser("SELECT has_sequence_privilege(:r, 'roles_probe_id_seq', 'USAGE')", r=app_role) == [
                (True,)]
        finally:
            _superuser("DROP TABLE roles_probe")

    def test_roles_that_could_get_past_the_triggers_are_refused(app, app_role):
        def refusal(role):
            result = app.test_cli_runner().invoke(args=["db", "grant-app-role", role])
            assert result.exit_code == 1, result.output
            return result.output

        owner = _superuser("SELECT current_user")[0][0]
        assert "application role must differ from the owner" in refusal(owner)
        _grant(app, app_role)
        _superuser("CREATE TABLE roles_probe (id serial PRIMARY KEY)")
        try:
            _superuser(f'ALTER TABLE roles_probe OWNER TO "{app_role}"')
            assert "application role must not own the tables" in refusal(app_role)
        finally:
            _superuser("DROP TABLE roles_probe")
        _superuser(f'ALTER ROLE "{app_role}" SUPERUSER')
        assert "a superuser bypasses privileges" in refusal(app_role)

    def test_the_app_runs_as_the_role_and_cannot_rewrite_the_audit_trail(app, world, app_role):
        password = secrets.token_hex(8)
        _grant(app, app_role, "--password", password)
        db.session.commit()
        url = _role_url(app_role, password)
        # the scheduler as the role: reminders written to notifications, outbox and the job ledger
        tick = _flask(url, "deadlines", "tick", "--at", f"{factories.YEAR}-10-07T09:00:00+10:00")
        assert tick.returncode == 0, tick.stderr
        assert json.loads(tick.stdout)["reminders"] > 0
        # the web app as the role: a save and a submit, each committed with its audit row
        server = Gunicorn(url, workers=1)
        try:
            token = server.token(world.curator.email, factories.PASSWORD)
            path = submission_url(world.school.code)
            assert server.request("PUT", path, {"version": 0, "values": dict(factories.VALID_VALUES)}, token)[0] == 200
            assert server.request("POST", path + "/submit", {"version": 1}, token)[0] == 200
        finally:
            server.stop()
        key = f"{factories.YEAR}/{world.school.code}"
        assert _superuser("SELECT action FROM audit_entries WHERE target_key = :key ORDER BY id", key=key) == [
            ("submission.saved",), ("submission.submitted",)]
        before = every_row(db.engine)["audit_entries"]
        engine = sa.create_engine(url)
        try:
            for statement, refusal in [
                ("UPDATE audit_entries SET action = 'forged'", "permission denied for table audit_entries"),
                ("DELETE FROM audit_entries", "permission denied for table audit_entries"),
                ("TRUNCATE audit_entries", "permission denied for table audit_entries"),
                ("ALTER TABLE audit_entries DISABLE TRIGGER ALL", "must be owner of table audit_entries"),
                ("SET session_replication_role = replica", "permission denied to set parameter"),
            ]:
                with pytest.raises(sa.exc.ProgrammingError, match=refusal) as error, engine.begin() as conn:
                    conn.exec_driver_sql(statement)
                assert error.value.orig.pgcode == "42501"  # insufficient_privilege, before any trigger runs
        finally:
            engine.dispose()
        assert every_row(db.engine)["audit_entries"] == before
