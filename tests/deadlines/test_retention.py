"""The scheduler deletes ended import and export-archive jobs older than JOB_RETENTION_DAYS with their files; running
jobs and the stored federal form sets stay; one audit entry per run that deleted something."""
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from exports.definition_files import DEFAULT_FORM
from exports.models import ExportJob, FormSet
from hierarchy.models import Level
from monitoring import reports
from registry import create_app
from registry.config import TestConfig
from registry.core.audit import AuditEntry
from registry.core.background_jobs import JobStatus, commit_progress
from registry.core.clock import now_utc
from registry.extensions import db
from registry.imports.models import ImportJob
from registry.mentoring.import_jobs import upload_folder
from scheduler.retention import purge_old_jobs

NOW = now_utc().replace(microsecond=0)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "RECORD_IMPORTS_DIR", str(tmp_path / "uploads"))


def _import(world, name, status, *, ended_days_ago=None, created_days_ago=None, heartbeat_days_ago=None,
            preview_token=None):
    created = NOW - (created_days_ago if created_days_ago is not None else ended_days_ago or 0) * DAY
    job = ImportJob(kind="hierarchy", file_name=name, status=status, requested_by_id=world.operator.id,
                    created_at=created, content=b"kind;code", preview_token=preview_token,
                    finished_at=NOW - ended_days_ago * DAY if ended_days_ago is not None else None,
                    heartbeat_at=NOW - heartbeat_days_ago * DAY if heartbeat_days_ago is not None else created)
    db.session.add(job)
    return job


def _export(world, unit_code, status, ended_days_ago):
    job = ExportJob(campaign_id=world.campaign.id, unit_level=Level.municipality, unit_code=unit_code, format="pdf",
                    form_code=DEFAULT_FORM, status=status, content=b"PK", created_at=NOW - ended_days_ago * DAY,
                    finished_at=NOW - ended_days_ago * DAY if status in (JobStatus.done, JobStatus.failed) else None,
                    heartbeat_at=NOW - ended_days_ago * DAY)
    db.session.add(job)
    return job


def _names(model, column) -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(column)))


@pytest.fixture
def old_and_new(world):
    snapshot = reports.consolidate(world.campaign, actor=world.operator)
    db.session.add(FormSet(campaign_id=world.campaign.id, snapshot_id=snapshot.id, level=Level.region,
                           unit_code="27", version=1, frozen_at=NOW - 400 * DAY, form_code=DEFAULT_FORM,
                           created_at=NOW - 400 * DAY))
    _import(world, "old-done.csv", JobStatus.done, ended_days_ago=40)
    _import(world, "old-failed.csv", JobStatus.failed, ended_days_ago=31)
    _import(world, "old-preview.csv", JobStatus.done, ended_days_ago=45, preview_token="tok-old")
    _import(world, "recent.csv", JobStatus.done, ended_days_ago=10)
    _import(world, "long-running.csv", JobStatus.running, created_days_ago=60, heartbeat_days_ago=0)
    _import(world, "dead.csv", JobStatus.running, created_days_ago=60, heartbeat_days_ago=50)
    _import(world, "just-queued.csv", JobStatus.queued, created_days_ago=0)
    _export(world, "27-KHV", JobStatus.done, 35)
    _export(world, "27-VAN", JobStatus.done, 2)
    _export(world, "27", JobStatus.running, 0)
    db.session.commit()
    for suffix in (".upload", ".json"):
        (upload_folder() / f"tok-old{suffix}").write_text("x")
    (upload_folder() / "tok-other.upload").write_text("someone's preview, waiting")
    return world


def test_ended_jobs_past_retention_go_with_their_files_running_ones_and_form_sets_stay(old_and_new):
    assert purge_old_jobs(NOW) == 5
    assert _names(ImportJob, ImportJob.file_name) == {"recent.csv", "long-running.csv", "just-queued.csv"}
    assert _names(ExportJob, ExportJob.unit_code) == {"27-VAN", "27"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FormSet)) == 1  # the filed record stays
    assert sorted(p.name for p in upload_folder().iterdir()) == ["tok-other.upload"]
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "jobs.purged")).one()
    assert audit.actor_id is None and audit.after == {"retention_days": 30, "import_jobs": 4, "export_jobs": 1,
                                                      "interrupted": 1, "preview_files": 1}
    # idempotent: nothing more to delete, no second audit entry
    assert purge_old_jobs(NOW) == 0 and purge_old_jobs(NOW + timedelta(hours=1)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "jobs.purged")) == 1


def test_retention_comes_from_the_configuration(old_and_new, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RETENTION_DAYS", 5)
    assert purge_old_jobs(NOW) == 6  # also the import that ended 10 days ago; the archive of 2 days ago stays
    assert _names(ImportJob, ImportJob.file_name) == {"long-running.csv", "just-queued.csv"}
    assert _names(ExportJob, ExportJob.unit_code) == {"27-VAN", "27"}


def test_deadlines_tick_runs_the_purge(old_and_new, app):
    result = app.test_cli_runner().invoke(args=["deadlines", "tick", "--at", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["job-retention"] == 5
    assert "old-done.csv" not in _names(ImportJob, ImportJob.file_name)


def test_a_running_import_that_reports_progress_is_alive(world):
    job = _import(world, "slow.csv", JobStatus.running, created_days_ago=40, heartbeat_days_ago=40)
    db.session.commit()
    commit_progress(ImportJob, job.id, 10)  # a sign of life in the row
    assert purge_old_jobs(NOW) == 0
    assert _names(ImportJob, ImportJob.file_name) == {"slow.csv"}


def test_a_retention_below_one_day_is_refused_at_start():
    with pytest.raises(RuntimeError, match="JOB_RETENTION_DAYS"):
        create_app(TestConfig, JOB_RETENTION_DAYS=0)
