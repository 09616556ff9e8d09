"""Bulk import (upload → preview with every error → confirm, all or nothing), templates, and export of records."""
import json
from pathlib import Path

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from hierarchy.queries import user_timezone
from registry.core.clock import now_utc
from registry.core.downloads import as_download, content_disposition, no_store
from registry.core.job_limit import TooManyJobs, check_room
from registry.core.tabular import RowError
from registry.core.transaction import after_commit
from registry.imports import jobs as import_jobs
from registry.imports.views import REFRESH_SECONDS, refreshing
from registry.mentoring import access, transfer
from registry.mentoring import import_jobs as records_jobs
from registry.mentoring.import_columns import HEADERS
from registry.mentoring.importer import SPECS, Checked

bp = Blueprint("record_imports", __name__, url_prefix="/records")
bp.after_request(no_store)  # personal data: never kept by a browser or a proxy
_TOKEN_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def _stored(token: str, org) -> tuple[Path, dict]:
    """The upload of this user for this organization, or 404 (tokens are not shared between users)."""
    if not token or set(token) - _TOKEN_CHARS:
        abort(404)
    folder = records_jobs.upload_folder()
    meta_path, path = folder / f"{token}.json", folder / f"{token}.upload"
    if not meta_path.exists() or not path.exists():
        abort(404)
    if records_jobs.is_expired(path):
        records_jobs.forget_upload(token)
        abort(404)
    meta = json.loads(meta_path.read_text())
    if meta["user_id"] != current_user.id or meta["org_id"] != org.id:
        abort(404)
    return path, meta


def _page(org, *, status=200, **context):
    return render_template("mentoring/import.html", org=org, specs=SPECS, headers=HEADERS, can_edit=True,
                           **context), status


@bp.route("/<org_code>/import", methods=["GET", "POST"])
@login_required
def import_upload(org_code: str):
    """Upload a file; a background job checks it and its page shows the preview: rows, what is new or updated,
    and every error by line and column."""
    org = access.editable_organization(current_user, org_code)
    if request.method == "GET":
        return _page(org, kind=request.args.get("kind", "mentors"))
    kind = request.form.get("kind", "")
    upload = request.files.get("file")
    if kind not in SPECS:
        abort(400)
    if upload is None or not upload.filename:
        return _page(org, kind=kind, errors=[RowError(None, "", "Выберите файл для загрузки.")], status=422)
    try:
        check_room(current_user.id, now_utc())  # before the file is stored
    except TooManyJobs as refused:
        return _page(org, kind=kind, errors=[RowError(None, "", refused.message)], status=refused.status)
    token = records_jobs.store_upload(upload, {"user_id": current_user.id, "org_id": org.id, "kind": kind,
                                               "filename": upload.filename})
    job = import_jobs.create(kind, upload.filename, None, actor=current_user, organization=org, preview_token=token)
    records_jobs.enqueue(job.id)
    return redirect(url_for("record_imports.import_job", org_code=org.code, job_id=job.id))


@bp.post("/<org_code>/import/confirm")
@login_required
def import_confirm(org_code: str):
    """Apply the previewed file in a background job: checked again, then written all or nothing."""
    org = access.editable_organization(current_user, org_code)
    path, meta = _stored(request.form.get("token", ""), org)
    job = import_jobs.create(meta["kind"], meta["filename"], path.read_bytes(), actor=current_user, organization=org)
    token = request.form["token"]
    after_commit(lambda: records_jobs.forget_upload(token))  # once the job holds the file: upload and metadata go
    records_jobs.enqueue(job.id)
    return redirect(url_for("record_imports.import_job", org_code=org.code, job_id=job.id))


@bp.get("/<org_code>/import/jobs/<int:job_id>")
@login_required
def import_job(org_code: str, job_id: int):
    """The import's progress (the page refreshes itself while it runs), then its counts or every error."""
    org = access.editable_organization(current_user, org_code)
    job = import_jobs.own_job(job_id, current_user)
    if job is None or job.organization_id != org.id:
        abort(404)
    now = now_utc()
    active = job.is_active(now)
    checked = _checked(job.result) if job.is_preview and job.result else None
    # once confirmed (or expired) the upload is gone from disk: the preview stays, its button does not
    waiting = job.is_preview and (records_jobs.upload_folder() / f"{job.preview_token}.upload").exists()
    page, _ = _page(org, kind=job.kind, job=job, active=active, stale=job.is_stale(now), refresh=REFRESH_SECONDS,
                    tz=user_timezone(current_user), errors=job.row_errors, filename=job.file_name, checked=checked,
                    token=job.preview_token if waiting else None)
    return refreshing(page, active)


def _checked(result: dict) -> Checked:
    """The preview's outcome as the checking pass returned it."""
    errors = [RowError(e["line"], e["column"], e["message"]) for e in result["row_errors"]]
    return Checked(rows=result["rows"], new=result["new"], updated=result["updated"], preview=result["preview"],
                   errors=errors, more_errors=result["more_errors"])


@bp.get("/import/template/<kind>.<fmt>")
@login_required
def import_template(kind: str, fmt: str):
    if kind not in SPECS or fmt not in transfer.FORMATS:
        abort(404)
    body, mimetype = transfer.template(SPECS[kind], fmt)
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": content_disposition(f"{kind}.{fmt}")})


@bp.get("/<org_code>/export/<kind>.<fmt>")
@login_required
def records_export(org_code: str, kind: str, fmt: str):
    """The organization's own records in the import format (so an export can be edited and loaded back)."""
    org = access.viewable_organization(current_user, org_code)
    if kind not in SPECS or fmt not in transfer.FORMATS:
        abort(404)
    body, mimetype = transfer.export(org, SPECS[kind], fmt)
    return as_download(Response(body, mimetype=mimetype), f"{org.name} — {SPECS[kind].title.lower()}.{fmt}")
