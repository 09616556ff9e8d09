"""The records import as queued jobs (registry.imports): the preview checks the upload waiting on disk;
the confirmed file is checked again and written all or nothing, streamed from a temporary copy kept in the job."""
import dataclasses
import json
import secrets
import tempfile
import time
from pathlib import Path

from flask import current_app

from hierarchy.models import Organization
from registry.auth.models import User
from registry.core import background_jobs
from registry.core.private_files import open_private, private_dir
from registry.extensions import db
from registry.imports import jobs
from registry.imports.models import ImportJob
from registry.mentoring.services import imports

#: How long an upload waits for the curator to confirm its preview; then it is deleted.
UPLOAD_KEEP_SECONDS = 24 * 3600
SUFFIXES = (".upload", ".json")


def upload_folder() -> Path:
    """Where previewed uploads wait: RECORD_IMPORTS_DIR, else instance/record_imports (shared by the workers); a 0700
    folder of 0600 files, as they hold people's data."""
    return private_dir(Path(current_app.config.get("RECORD_IMPORTS_DIR")
                            or Path(current_app.instance_path) / "record_imports"))


def store_upload(upload, meta: dict) -> str:
    """Save the upload (read twice, streamed) and its metadata beside it; the token naming them."""
    folder = upload_folder()
    token = secrets.token_urlsafe(16)
    with open_private(folder / f"{token}.upload") as out:
        upload.save(out)
    with open_private(folder / f"{token}.json", "w") as out:
        out.write(json.dumps(meta))
    return token


def is_expired(path: Path, now: float | None = None) -> bool:
    return path.stat().st_mtime < (now or time.time()) - UPLOAD_KEEP_SECONDS


def forget_upload(token: str) -> None:
    """Delete an upload and its metadata: once confirmed, refused or expired, it is of no more use."""
    folder = upload_folder()
    for suffix in SUFFIXES:
        (folder / f"{token}{suffix}").unlink(missing_ok=True)


def expired_uploads(now: float | None = None) -> list[str]:
    """Tokens of uploads (or leftover metadata) older than UPLOAD_KEEP_SECONDS."""
    tokens = set()
    for path in upload_folder().iterdir():
        try:
            if path.suffix in SUFFIXES and is_expired(path, now):
                tokens.add(path.stem)
        except FileNotFoundError:  # confirmed or deleted meanwhile
            continue
    return sorted(tokens)


def enqueue(job_id: int) -> None:
    """The scheduler process runs the queued check or import (tests: the request, once committed)."""
    background_jobs.enqueue(run_job, job_id)


def run_job(job_id: int) -> None:
    """The builder's entry point (a boundary of its own: commits)."""
    job = db.session.get(ImportJob, job_id)
    jobs.run(job_id, _check if job is not None and job.is_preview else _import)


def _check(job: ImportJob) -> dict:
    """The preview: every row checked, nothing written; the errors found are its outcome, not a failure."""
    org = db.session.get(Organization, job.organization_id)
    path = upload_folder() / f"{job.preview_token}.upload"
    try:
        checked = imports.check(org, job.kind, path, job.file_name, progress=jobs.progress_of(job.id, writing=False))
    except BaseException:  # a refused file (or a failed check) is never confirmed: it goes at once
        forget_upload(job.preview_token)
        raise
    if checked.errors:
        forget_upload(job.preview_token)
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
