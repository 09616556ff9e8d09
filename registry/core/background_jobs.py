"""Long work done outside the request, with progress a status page shows: one status set, one way to start a job.

A job is a row (status, done/total, heartbeat) created and committed by the view; `launch` runs its builder in a
background thread of the web process, or right away when the job kind's inline setting is on (tests). Builders
push progress with `commit_progress` (their own session holds nothing) or `report_progress` (outside the builder's
transaction, so an all-or-nothing transaction stays open and uncommitted); status pages read a job through `live`.
"""
import json
import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from registry.core.clock import now_utc
from registry.extensions import db

logger = logging.getLogger(__name__)
#: A running job that has not reported progress for this long is taken as dead (its process stopped).
STALE_AFTER = timedelta(minutes=5)


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class JobProgress:
    """The columns every job row shares (its `status` column is the model's own) and what a status page asks."""

    #: Progress: items done so far out of the items to do (0 while not yet known).
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    #: Why the job failed, in Russian, for the person who asked for it.
    error: Mapped[str | None] = mapped_column(sa.Text)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    #: Last sign of life of the job; a stale running job is shown as interrupted.
    heartbeat_at: Mapped[datetime | None]

    def is_stale(self, now: datetime) -> bool:
        if self.status not in (JobStatus.queued, JobStatus.running):
            return False
        return now - (self.heartbeat_at or self.created_at) > STALE_AFTER

    def is_active(self, now: datetime) -> bool:
        return self.status in (JobStatus.queued, JobStatus.running) and not self.is_stale(now)

    @property
    def percent(self) -> int:
        return 100 if self.status is JobStatus.done else int(100 * self.done / self.total) if self.total else 0


def launch(builder: Callable[[int], None], job_id: int, *, inline_setting: str) -> threading.Thread | None:
    """Run builder(job_id) in a background thread (returned), or right away when config[inline_setting] is on
    (by default in testing)."""
    app = current_app._get_current_object()
    if app.config.get(inline_setting, app.testing):
        builder(job_id)
        return None
    thread = threading.Thread(target=_run, args=(app, builder, job_id), name=f"job-{builder.__module__}-{job_id}",
                              daemon=True)
    thread.start()
    return thread


def _run(app: Flask, builder: Callable[[int], None], job_id: int) -> None:
    with app.app_context():  # a thread has no Flask context (nor database session) of its own
        builder(job_id)


def start(model, job_id: int):
    """Mark a queued job running and commit; the job, or None when it is gone or no longer queued (taken already)."""
    job = db.session.get(model, job_id)
    if job is None or job.status is not JobStatus.queued:
        return None
    now = now_utc()
    job.status, job.started_at, job.heartbeat_at = JobStatus.running, now, now
    db.session.commit()
    return job


def commit_progress(model, job_id: int, done: int) -> None:
    """Record progress through the builder's own session and commit it (the builder holds no other change)."""
    db.session.execute(sa.update(model).where(model.id == job_id).values(done=done, heartbeat_at=now_utc()))
    db.session.commit()


def report_progress(model, job_id: int, done: int, total: int | None = None) -> None:
    """Record progress outside the builder's transaction, leaving it open: on a connection of its own, or on SQLite
    in a small file beside the database (SQLite has one writer, and the builder's transaction holds the lock)."""
    values = {"done": done, "heartbeat_at": now_utc()}
    if total is not None:
        values["total"] = total
    path = _progress_file(model, job_id)
    if path is None:
        with db.engine.begin() as conn:
            conn.execute(sa.update(model).where(model.id == job_id).values(**values))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({**values, "heartbeat_at": values["heartbeat_at"].isoformat()}))
    os.replace(partial, path)  # a reader sees the old file or the new one, never half of one


def live(job):
    """The job as a status page shows it: with the progress its builder reported beside an SQLite database while it
    runs (set as loaded, so nothing is written back)."""
    if job is None or job.status not in (JobStatus.queued, JobStatus.running):
        return job
    path = _progress_file(type(job), job.id)
    try:
        values = json.loads(path.read_text()) if path is not None else {}
    except (OSError, ValueError):  # not reported yet, or the job ended and removed it meanwhile
        values = {}
    for name, value in values.items():
        if name == "heartbeat_at":
            value = max(datetime.fromisoformat(value), job.heartbeat_at or job.created_at)
        set_committed_value(job, name, value)
    return job


def forget_progress(model, job_id: int) -> None:
    """Remove the progress file of an ended job (none on PostgreSQL)."""
    path = _progress_file(model, job_id)
    if path is not None:
        path.unlink(missing_ok=True)


def _progress_file(model, job_id: int) -> Path | None:
    """Where an SQLite database's running job reports progress: <database>-progress/<table>-<id>.json."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(f"{url.database}-progress") / f"{model.__tablename__}-{job_id}.json"
