"""Documents pages: an organization's register (upload, versions, download, roadmap decision) and the summaries."""
from datetime import date
from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from hierarchy.models import Organization
from hierarchy.queries import organization_by_code
from registry.core.api import current_actor
from registry.core.downloads import as_download
from registry.core.errors import DomainError, NotFound
from registry.core.listing import paginate
from registry.core.permissions import require
from registry.documents import access, roadmap_link, services, storage
from registry.documents.filecheck import TYPE_LABELS
from registry.documents.vocab import KIND_LABELS, KIND_SHORT, REVIEW_LABELS, DocumentKind

bp = Blueprint("documents", __name__)
bp.add_app_template_global(roadmap_link.approved_roadmap, "approved_roadmap")
bp.add_app_template_global(roadmap_link.plan_campaign, "plan_campaign")
#: The summary's table: organizations by name, this many a page (a large municipality has a thousand and more).
SUMMARY_PER_PAGE = 100
SUMMARY_SORTS = {"name": (Organization.name, Organization.id)}
LABELS = {"kinds": KIND_LABELS, "short": KIND_SHORT, "reviews": REVIEW_LABELS, "types": TYPE_LABELS}


def _viewable(org_code: str):
    org = organization_by_code(org_code)
    require(access.can_view_documents(current_user, org), access.OUT_OF_SCOPE)
    return org


def _page(org, *, error: DomainError | None = None, failed_kind: str = "", status: int = 200):
    return render_template(
        "documents/document_list.html", org=org, history=services.history(org), error=error, failed_kind=failed_kind,
        values=request.form if error else {}, can_edit=access.can_upload_documents(current_user, org),
        can_review=access.can_review_roadmap(current_user, org), max_mb=services.max_bytes() // 2**20,
        all_kinds=list(DocumentKind), **LABELS), status


@bp.get("/records/<org_code>/documents")
@login_required
def document_list(org_code: str):
    return _page(_viewable(org_code))


@bp.post("/records/<org_code>/documents/<kind>")
@login_required
def document_upload(org_code: str, kind: str):
    org = _viewable(org_code)
    require(access.can_upload_documents(current_user, org), "Загружать документы может только куратор организации.")
    kind_ = access.kind(kind)
    upload = request.files.get("file")
    try:
        row = services.upload(org, kind_, number=request.form.get("number", ""),
                              signed_on=_date(request.form.get("signed_on", "")),
                              filename=upload.filename if upload else "", data=upload.read() if upload else b"",
                              actor=current_actor())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _page(org, error=error, failed_kind=kind_.value, status=error.status)
    sent = " Дорожная карта отправлена на согласование." if kind_ is DocumentKind.roadmap else ""
    flash(f"Загружена версия {row.version}: «{KIND_LABELS[kind_]}».{sent}", "success")
    return redirect(url_for(".document_list", org_code=org.code))


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@bp.get("/records/<org_code>/documents/<kind>/v<int:version>")
@login_required
def document_download(org_code: str, kind: str, version: int):
    org = _viewable(org_code)
    row = access.version(org, access.kind(kind), version)
    try:
        data = storage.path_of(row.stored_path).read_bytes()  # small (DOCUMENT_MAX_BYTES); no handle left open
    except FileNotFoundError as missing:
        raise NotFound("Файл этой версии документа не найден в хранилище: сообщите администратору.") from missing
    response = send_file(BytesIO(data), mimetype=row.media_type, max_age=0, etag=row.sha256)
    return as_download(response, row.filename)  # the one RFC 6266 name builder; never cached


def _decision(org_code: str, version: int):
    org = _viewable(org_code)
    require(access.can_review_roadmap(current_user, org),
            "Дорожную карту согласует муниципалитет организации (для краевых организаций — регион).")
    return org, access.version(org, DocumentKind.roadmap, version)


@bp.post("/records/<org_code>/documents/roadmap/v<int:version>/approve")
@login_required
def roadmap_approve(org_code: str, version: int):
    org, row = _decision(org_code, version)
    try:
        services.approve_roadmap(row, actor=current_actor())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _page(org, error=error, status=error.status)
    flash(f"Дорожная карта (версия {row.version}) утверждена.", "success")
    return redirect(url_for(".document_list", org_code=org.code))


@bp.post("/records/<org_code>/documents/roadmap/v<int:version>/return")
@login_required
def roadmap_return(org_code: str, version: int):
    org, row = _decision(org_code, version)
    try:
        services.return_roadmap(row, comment=request.form.get("comment", ""), actor=current_actor())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _page(org, error=error, failed_kind="review", status=error.status)
    flash(f"Дорожная карта (версия {row.version}) возвращена на доработку.", "success")
    return redirect(url_for(".document_list", org_code=org.code))


@bp.get("/documents/<unit_code>")
@login_required
def summary(unit_code: str):
    """Which organizations of a municipality (or of the whole region) lack which document."""
    unit = access.summary_unit(unit_code)
    require(access.can_view_summary(current_user, unit), "Сводка вне вашей области доступа.")
    # one page of organizations with their documents; the totals counted in SQL over all of them
    query = access.visible_organizations(None, unit)
    listing = paginate(query, SUMMARY_SORTS, "name", SUMMARY_PER_PAGE)
    orgs = [org for org, in listing.rows]
    return render_template("documents/summary.html", unit=unit, orgs=orgs, found=services.missing_by_organization(orgs),
                           incomplete=listing.total - services.complete_count(query), listing=listing,
                           all_kinds=list(DocumentKind), **LABELS)
