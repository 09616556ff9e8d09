"""The scheduler job that deletes old import and export-archive jobs with their files (JOB_RETENTION_DAYS).

A job ended (done or failed) before the retention window is deleted with what it kept: the uploaded or built file
in its row, a records preview's upload waiting on disk. A queued or running job stays
unless it gave no sign of life within the window (its process died long ago: the page shows it interrupted). The
stored federal form sets are the filed record and are never touched. Re-running finds nothing more to delete, so
no ledger is needed; a run that deleted something leaves one audit entry with the counts.
"""
import logging
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from exports.models import ExportJob
from registry.core.audit import log_action
from registry.core.background_jobs import JobStatus
from registry.core.clock import now_utc
from registry.extensions import db
from registry.imports.models import ImportJob
from registry.mentoring.import_jobs import expired_uploads, forget_upload, upload_folder

logger = logging.getLogger(__name__)
ENDED = (JobStatus.done, JobStatus.failed)


def purge_old_jobs(now: datetime | None = None) -> int:
    """Delete import and export jobs that ended (or last lived) before now − JOB_RETENTION_DAYS; return how many."""
    now = now or now_utc()
    days = current_app.config["JOB_RETENTION_DAYS"]
    cutoff = now - timedelta(days=days)
    imports, exports = _old(ImportJob, cutoff), _old(ExportJob, cutoff)
    if not imports and not exports:
        return 0
    previews = [job.preview_token for job in imports if job.preview_token]
    db.session.execute(sa.delete(ImportJob).where(ImportJob.id.in_([job.id for job in imports])))
    db.session.execute(sa.delete(ExportJob).where(ExportJob.id.in_([job.id for job in exports])))
    log_action(None, "jobs.purged", "job_retention", now.date().isoformat(),
               after={"retention_days": days, "import_jobs": len(imports), "export_jobs": len(exports),
                      "interrupted": sum(job.status not in ENDED for job in imports + exports),
                      "preview_files": len(previews)})
    db.session.commit()
    # files go after the commit: a failed commit must not leave rows whose files are gone
    folder = upload_folder()
    for token in previews:
        for suffix in (".upload", ".json"):
            Path(folder / f"{token}{suffix}").unlink(missing_ok=True)
    logger.info("purged %s import and %s export jobs ended before %s", len(imports), len(exports), cutoff)
    return len(imports) + len(exports)


def _old(model, cutoff: datetime) -> list:
    """Jobs ended before `cutoff`, and queued or running ones whose last sign of life is older than that."""
    ended = db.session.scalars(sa.select(model).where(
        model.status.in_(ENDED), sa.func.coalesce(model.finished_at, model.created_at) < cutoff)).all()
    silent = db.session.scalars(sa.select(model).where(
        model.status.not_in(ENDED), sa.func.coalesce(model.heartbeat_at, model.created_at) < cutoff)).all()
    return [*ended, *silent]


def purge_expired_uploads(now: datetime | None = None) -> int:
    """Delete the uploads (and their metadata) nobody confirmed within UPLOAD_KEEP_SECONDS; return how many. Their
    jobs stay (the preview's page says the file is gone); a run that deleted something leaves one audit entry."""
    now = now or now_utc()
    tokens = expired_uploads(now.timestamp())
    if not tokens:
        return 0
    for token in tokens:
        forget_upload(token)
    log_action(None, "uploads.expired_deleted", "record_imports", now.date().isoformat(),
               after={"uploads": len(tokens)})
    db.session.commit()
    logger.info("deleted %s expired record uploads", len(tokens))
    return len(tokens)
