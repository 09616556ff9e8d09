"""Long work done outside the request, with progress a status page shows: one status set, one way to queue a job.

A job is a row (status, done/total, heartbeat): the row is the queue. A view creates it queued (the request's
commit stores it) and `enqueue`s its builder; the scheduler process (`scheduler/queue.py`) claims queued rows with
`start` and runs them, so a web worker that restarts or dies loses nothing. In tests (JOBS_RUN_AFTER_REQUEST, on by
default when testing) the request runs the builder itself once its changes are committed. Builders report progress
into the row: `commit_progress` when their own session holds nothing else, `report_progress` while an
all-or-nothing transaction of theirs stays open.
"""
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app, has_request_context
from sqlalchemy.orm import Mapped, mapped_column

from registry.core.clock import now_utc
from registry.core.transaction import after_commit
from registry.extensions import db

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


def enqueue(builder: Callable[[int], None], job_id: int) -> None:
    """The queued row is picked up by the scheduler process; with JOBS_RUN_AFTER_REQUEST (tests) the request runs
    builder(job_id) itself once its changes, the row included, are committed."""
    app = current_app
    if has_request_context() and app.config.get("JOBS_RUN_AFTER_REQUEST", app.testing):
        after_commit(lambda: builder(job_id))


def start(model, job_id: int):
    """Claim a queued job (mark it running) and commit; the job, or None when it is gone or taken already.

    One conditional UPDATE: of two processes claiming the same row, exactly one changes it."""
    now = now_utc()
    claimed = db.session.execute(sa.update(model).where(model.id == job_id, model.status == JobStatus.queued)
                                 .values(status=JobStatus.running, started_at=now, heartbeat_at=now))
    db.session.commit()
    return db.session.get(model, job_id) if claimed.rowcount == 1 else None


def commit_progress(model, job_id: int, done: int) -> None:
    """Record progress through the builder's own session and commit it (the builder holds no other change)."""
    db.session.execute(sa.update(model).where(model.id == job_id).values(done=done, heartbeat_at=now_utc()))
    db.session.commit()


def report_progress(model, job_id: int, done: int, total: int | None = None) -> None:
    """Record progress outside the builder's open transaction, on a connection of its own, so a status page sees it
    while nothing of the work is committed yet.

    SQLite has one writer, and the builder's transaction holds it: there the row keeps the progress committed
    before the writing began (an import's row count, its checked rows) until the job ends."""
    if db.engine.dialect.name == "sqlite":
        return
    values = {"done": done, "heartbeat_at": now_utc()}
    if total is not None:
        values["total"] = total
    with db.engine.begin() as conn:
        conn.execute(sa.update(model).where(model.id == job_id).values(**values))
