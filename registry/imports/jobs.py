"""Import jobs: `create` queues a file (a service: flush, audit; caller commits); `run` imports it all or nothing.

The importer does its work in the job's session and only the end commits it, together with the job's counts;
a refusal rolls everything back and keeps the per-row errors on the job, so nothing of the file stays.
"""
import dataclasses
import logging
from collections.abc import Callable

import sqlalchemy as sa

from hierarchy.models import Organization
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.background_jobs import JobStatus, commit_progress, report_progress, start
from registry.core.clock import now_utc
from registry.core.job_limit import check_room
from registry.core.tabular import TableRejected
from registry.extensions import db
from registry.imports.models import ImportJob

logger = logging.getLogger(__name__)


def create(kind: str, file_name: str, content: bytes | None, *, actor: User, organization: Organization | None = None,
           preview_token: str | None = None, now=None) -> ImportJob:
    """Queue the import (or, with a preview token, the check) of an uploaded file. Caller commits and enqueues."""
    now = now or now_utc()
    check_room(actor.id, now)
    job = ImportJob(kind=kind, file_name=file_name[:255], content=content, requested_by_id=actor.id,
                    organization_id=getattr(organization, "id", None), preview_token=preview_token, created_at=now,
                    heartbeat_at=now)
    db.session.add(job)
    db.session.flush()
    log_action(actor, "import.requested", "import_job", job.id,
               after={"kind": kind, "file": job.file_name, "organization": getattr(organization, "code", None)})
    return job


def progress_of(job_id: int, *, writing: bool = True) -> Callable[[int], None]:
    """A callback an importer calls with the rows done so far: on a separate connection while the import
    writes (its transaction stays open), through the job's own session when it only reads."""
    def report(done: int) -> None:
        if writing:
            report_progress(ImportJob, job_id, done)
        else:
            commit_progress(ImportJob, job_id, done)
    return report


def run(job_id: int, work: Callable[[ImportJob], dict]) -> None:
    """Run work(job) → counts for a queued job; commits its changes with the job's outcome. Entry point: commits."""
    job = start(ImportJob, job_id)
    if job is None:
        return
    try:
        result = work(job)
    except TableRejected as exc:
        db.session.rollback()
        _finish(job_id, JobStatus.failed, error=exc.message, errors=[dataclasses.asdict(e) for e in exc.errors])
        return
    except Exception:  # the person waiting must see a failure, whatever it was
        logger.exception("Import job %s failed", job_id)
        db.session.rollback()
        _finish(job_id, JobStatus.failed, error="Файл не загружен: внутренняя ошибка. В реестре ничего не изменено.")
        return
    _finish(job_id, JobStatus.done, result=result)


def _finish(job_id: int, status: JobStatus, **values) -> None:
    job = db.session.get(ImportJob, job_id)
    job.status, job.finished_at, job.content = status, now_utc(), None
    job.heartbeat_at = job.finished_at
    if status is JobStatus.done:
        job.done = job.total = values["result"]["rows"]
    for name, value in values.items():
        setattr(job, name, value)
    db.session.commit()


def of_user(user: User) -> sa.Select:
    """The user's own jobs (jobs are not shared between users)."""
    return sa.select(ImportJob).where(ImportJob.requested_by_id == user.id)


def own_job(job_id: int, user: User) -> ImportJob | None:
    """The user's own job; jobs are not shared between users."""
    job = db.session.get(ImportJob, job_id)
    return job if job is not None and job.requested_by_id == user.id else None
