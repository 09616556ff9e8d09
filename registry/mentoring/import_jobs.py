"""The records import as a background job (registry.imports): the confirmed file is checked again and written
all or nothing, streamed from a temporary copy of the upload kept in the job."""
import tempfile
import threading
from pathlib import Path

from hierarchy.models import Organization
from registry.auth.models import User
from registry.core.jobs import launch as launch_job
from registry.extensions import db
from registry.imports import jobs
from registry.imports.models import ImportJob
from registry.mentoring.services import imports


def launch(job_id: int) -> threading.Thread | None:
    """Import in a background thread (returned), or right away when IMPORT_JOBS_INLINE is set (tests)."""
    return launch_job(run_import, job_id, inline_setting="IMPORT_JOBS_INLINE")


def run_import(job_id: int) -> None:
    jobs.run(job_id, _import)


def _import(job: ImportJob) -> dict:
    org = db.session.get(Organization, job.organization_id)
    actor = db.session.get(User, job.requested_by_id)
    with tempfile.TemporaryDirectory(prefix="records-import-") as folder:
        path = Path(folder) / "upload"
        path.write_bytes(job.content)
        result = imports.apply(org, job.kind, path, job.file_name, actor=actor, progress=jobs.progress_of(job.id))
    return {"rows": result.rows, "new": result.new, "updated": result.updated}
