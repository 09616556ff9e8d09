"""The hierarchy import as a queued job (registry.imports): parse, check every row, apply all or nothing."""
from hierarchy import services
from hierarchy.importer import parse
from registry.auth.models import User
from registry.core import background_jobs
from registry.extensions import db
from registry.imports import jobs
from registry.imports.models import ImportJob


def enqueue(job_id: int) -> None:
    """The scheduler process runs the queued import (tests: the request, once committed)."""
    background_jobs.enqueue(run_import, job_id)


def run_import(job_id: int) -> None:
    """The builder's entry point (a boundary of its own: commits)."""
    jobs.run(job_id, _import)


def _import(job: ImportJob) -> dict:
    rows = parse(job.content, job.file_name)
    job.total = len(rows)
    db.session.commit()  # nothing written yet: the row count shows at once
    actor = db.session.get(User, job.requested_by_id)
    result = services.import_rows(rows, actor=actor, source=job.file_name, progress=jobs.progress_of(job.id))
    return {"rows": len(rows), **result.as_dict()}
