"""`flask backup create|restore`: a copy, a wiped database, the restore — every row of every table identical."""
import stat

import pytest
import sqlalchemy as sa

from monitoring import services
from registry.core.audit import AuditEntry, log_action
from registry.extensions import db
from registry.ops.backup import BackupError, pg_tool
from tests import factories
from tests.support.dbstate import every_row


def _activity(world) -> None:
    """Rows in most tables: values, versions, a review, audit entries, JSON, timestamps."""
    services.save_values(world.campaign, world.school, dict(factories.VALID_VALUES), version=0, actor=world.curator)
    services.submit(world.campaign, world.school, actor=world.curator, version=1)
    services.return_submission(world.campaign, world.school, "Уточните «пары»: ё, №.", actor=world.khv_official)
    db.session.commit()


def _wipe() -> None:
    """Drop everything the migrations made (tables, triggers, functions): an empty database."""
    db.session.remove()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        else:
            for (name,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").all():
                conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')  # FTS shadow tables go with theirs


def test_backup_then_wipe_then_restore_gives_back_every_row(app, world, tmp_path):
    _activity(world)
    before = every_row(db.engine)
    assert all(before[name] for name in ("submissions", "submission_versions", "audit_entries", "alembic_version"))
    runner = app.test_cli_runner()
    copy = tmp_path / "registry.backup"
    result = runner.invoke(args=["backup", "create", str(copy)])
    assert result.exit_code == 0, result.output
    assert copy.stat().st_size > 0 and not (tmp_path / "registry.backup.partial").exists()

    _wipe()
    assert every_row(db.engine) == {}
    refused = runner.invoke(args=["backup", "restore", str(copy)], input="n\n")
    assert refused.exit_code == 1 and "будут заменены" in refused.output
    assert every_row(db.engine) == {}  # nothing without confirmation

    result = runner.invoke(args=["backup", "restore", str(copy)], input="y\n")
    assert result.exit_code == 0, result.output
    assert every_row(db.engine) == before

    # the restored database works on: sequences continue, the audit trail is append-only again
    entry = log_action(None, "backup.checked", "database", "restored")
    db.session.commit()
    assert entry.id > max(row[0] for row in before["audit_entries"])
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_entries")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == len(before["audit_entries"]) + 1


def test_restore_with_yes_over_a_changed_database_and_of_a_file_that_is_no_backup(app, world, tmp_path):
    _activity(world)
    before = every_row(db.engine)
    runner = app.test_cli_runner()
    copy = tmp_path / "copy.dump"
    assert runner.invoke(args=["backup", "create", str(copy)]).exit_code == 0
    services.save_values(world.campaign, world.school, {"mentors_total": 3}, version=3, actor=world.curator)
    db.session.commit()
    db.session.remove()

    junk = tmp_path / "junk.dump"
    junk.write_text("это не резервная копия\n")
    result = runner.invoke(args=["backup", "restore", "--yes", str(junk)])
    assert result.exit_code == 1 and "не резервная копия" in result.output, result.output
    assert every_row(db.engine) != before  # the refused restore changed nothing

    result = runner.invoke(args=["backup", "restore", "--yes", str(copy)])
    assert result.exit_code == 0, result.output
    assert every_row(db.engine) == before


def test_missing_or_mismatched_postgresql_programs_are_refused_clearly(tmp_path):
    with pytest.raises(BackupError, match=r"pg_dump версии 15.*PG_BIN_DIR"):
        pg_tool("pg_dump", 15, str(tmp_path))
    fake = tmp_path / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 13.9'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(BackupError, match=r"версия 13"):
        pg_tool("pg_dump", 15, str(tmp_path))
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 15.10 (Debian 15.10-1)'\n")
    assert pg_tool("pg_dump", 15, str(tmp_path)) == str(fake)
