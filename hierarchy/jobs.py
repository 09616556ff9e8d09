"""The hierarchy import as a background job (registry.imports): parse, check every row, apply all or nothing."""
import threading

from hierarchy import services
from hierarchy.importer import parse
from registry.auth.models import User
from registry.core.background_jobs import launch as launch_job
from registry.extensions import db
from registry.imports import jobs
from registry.imports.models import ImportJob


def launch(job_id: int) -> threading.Thread | None:
    """Import in a background thread (returned), or right away when IMPORT_JOBS_INLINE is set (tests)."""
    return launch_job(run_import, job_id, inline_setting="IMPORT_JOBS_INLINE")


def run_import(job_id: int) -> None:
    jobs.run(job_id, _import)


def _import(job: ImportJob) -> dict:
    rows = parse(job.content, job.file_name)
    job.total = len(rows)
    db.session.commit()  # nothing written yet: the row count shows at once
    actor = db.session.get(User, job.requested_by_id)
    result = services.import_rows(rows, actor=actor, source=job.file_name, progress=jobs.progress_of(job.id))
    return {"rows": len(rows), **result.as_dict()}
