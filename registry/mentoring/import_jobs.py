"""The records import as background jobs (registry.imports): the preview checks the upload waiting on disk;
the confirmed file is checked again and written all or nothing, streamed from a temporary copy kept in the job."""
import dataclasses
import tempfile
import threading
from pathlib import Path

from flask import current_app

from hierarchy.models import Organization
from registry.auth.models import User
from registry.core.jobs import launch as launch_job
from registry.extensions import db
from registry.imports import jobs
from registry.imports.models import ImportJob
from registry.mentoring.services import imports


def upload_folder() -> Path:
    """Where previewed uploads wait: RECORD_IMPORTS_DIR, else instance/record_imports (shared by the workers)."""
    folder = Path(current_app.config.get("RECORD_IMPORTS_DIR") or Path(current_app.instance_path) / "record_imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def launch(job_id: int) -> threading.Thread | None:
    """Check or import in a background thread (returned), or right away when IMPORT_JOBS_INLINE is set (tests)."""
    return launch_job(run_job, job_id, inline_setting="IMPORT_JOBS_INLINE")


def run_job(job_id: int) -> None:
    job = db.session.get(ImportJob, job_id)
    jobs.run(job_id, _check if job is not None and job.is_preview else _import)


def _check(job: ImportJob) -> dict:
    """The preview: every row checked, nothing written; the errors found are its outcome, not a failure."""
    org = db.session.get(Organization, job.organization_id)
    path = upload_folder() / f"{job.preview_token}.upload"
    checked = imports.check(org, job.kind, path, job.file_name, progress=jobs.progress_of(job.id, writing=False))
    return {"rows": checked.rows, "new": checked.new, "updated": checked.updated, "preview": checked.preview,
            "row_errors": [dataclasses.asdict(e) for e in checked.errors], "more_errors": checked.more_errors}


def _import(job: ImportJob) -> dict:
    org = db.session.get(Organization, job.organization_id)
    actor = db.session.get(User, job.requested_by_id)
    with tempfile.TemporaryDirectory(prefix="records-import-") as folder:
        path = Path(folder) / "upload"
        path.write_bytes(job.content)
        result = imports.apply(org, job.kind, path, job.file_name, actor=actor, progress=jobs.progress_of(job.id))
    return {"rows": result.rows, "new": result.new, "updated": result.updated}
