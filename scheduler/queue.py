"""The queued work of web requests (imports, ZIP archives), run by the scheduler process, oldest first.

A web request only stores a queued job row (registry.core.background_jobs); here every scheduler process, leader or
standby, claims queued rows (one conditional UPDATE each, so no job runs twice) and runs each to its end. Progress
and outcome live in the row, so a web worker restart loses nothing, and a status page served by any worker sees it.
"""
import logging
from collections.abc import Callable

import sqlalchemy as sa

from exports import jobs as export_jobs
from exports.models import ExportJob
from hierarchy import jobs as hierarchy_jobs
from registry.core.background_jobs import JobStatus
from registry.extensions import db
from registry.imports.models import ImportJob
from registry.mentoring import import_jobs as records_jobs

logger = logging.getLogger(__name__)


def _run_import(job_id: int) -> None:
    kind = db.session.scalar(sa.select(ImportJob.kind).where(ImportJob.id == job_id))
    (hierarchy_jobs.run_import if kind == "hierarchy" else records_jobs.run_job)(job_id)


#: Each job table and the builder of its rows.
QUEUES: tuple[tuple[type, Callable[[int], None]], ...] = ((ImportJob, _run_import),
                                                          (ExportJob, export_jobs.build_archive))


def run_queued(keep_going: Callable[[], bool] = lambda: True) -> int:
    """Run queued jobs, oldest first, until none is left (or keep_going() says stop); how many were taken up.

    A builder claims its row itself (`start`): one taken by another process meanwhile is left to it."""
    tried: set[tuple[type, int]] = set()
    while keep_going():
        # the oldest queued row of each table not tried yet (a tried one still queued was taken by nobody: skip it)
        waiting = [(row.created_at, row.id, model, builder) for model, builder in QUEUES
                   for row in db.session.execute(sa.select(model.id, model.created_at).where(
                       model.status == JobStatus.queued).order_by(model.created_at, model.id).limit(len(tried) + 1))
                   if (model, row.id) not in tried]
        db.session.rollback()  # end the read: the builder's claim runs in a transaction of its own
        if not waiting:
            break
        _, job_id, model, builder = min(waiting, key=lambda item: (item[0], item[1]))
        tried.add((model, job_id))
        logger.info("running queued %s %s", model.__tablename__, job_id)
        builder(job_id)
        db.session.remove()
    return len(tried)
