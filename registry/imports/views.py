"""The user's imports, so one can leave an import's page and come back to it; the refresh of job pages."""
from flask import Blueprint, make_response, render_template, url_for
from flask_login import current_user, login_required

from hierarchy.models import Organization
from hierarchy.queries import user_timezone
from registry.core.background_jobs import JobStatus
from registry.core.clock import now_utc
from registry.core.downloads import no_store
from registry.core.listing import paginate
from registry.extensions import db
from registry.imports import jobs
from registry.imports.models import IMPORT_JOB_STATUS_LABELS, IMPORT_KIND_LABELS, ImportJob

bp = Blueprint("imports", __name__, url_prefix="/imports")
bp.after_request(no_store)  # personal data: never kept by a browser or a proxy
#: Seconds between refreshes of a job's page while it runs.
REFRESH_SECONDS = 3
PER_PAGE = 50
#: "created" is the id order (jobs are numbered as they are made; created_at may tie within one tick).
SORTS = {"created": (ImportJob.id,), "file": (ImportJob.file_name, ImportJob.id),
         "kind": (ImportJob.kind, ImportJob.id), "status": (ImportJob.status, ImportJob.id)}


def refreshing(page: str, active: bool):
    """The page, reloaded by the browser every few seconds while the job runs (no script needed)."""
    response = make_response(page)
    if active:
        response.headers["Refresh"] = str(REFRESH_SECONDS)  # same as the page's <meta http-equiv=refresh>
    return response


def job_url(job: ImportJob) -> str:
    if job.kind == "hierarchy":
        return url_for("hierarchy.import_job", job_id=job.id)
    org = db.session.get(Organization, job.organization_id)
    return url_for("record_imports.import_job", org_code=org.code, job_id=job.id)


@bp.get("/")
@login_required
def job_list():
    now = now_utc()
    listing = paginate(jobs.of_user(current_user), SORTS, "-created", PER_PAGE)
    rows = [{"job": job, "url": job_url(job), "kind": IMPORT_KIND_LABELS[job.kind],
             "status": _status(job, now)}
            for job, in listing.rows]
    return render_template("imports/job_list.html", rows=rows, listing=listing, tz=user_timezone(current_user))


def _status(job: ImportJob, now) -> str:
    if job.is_stale(now):
        return "прервано"
    if job.is_preview and job.status is JobStatus.done:
        return "проверено, ждёт подтверждения" if not (job.result or {}).get("row_errors") else "проверено: есть ошибки"
    return IMPORT_JOB_STATUS_LABELS[job.status]
