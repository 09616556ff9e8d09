"""Hierarchy pages: upload a hierarchy file, list the units the user may see."""
import sqlalchemy as sa
from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from hierarchy import columns, jobs, services
from hierarchy.importer import COLUMNS, KIND_LABELS, RowError
from hierarchy.models import ORG_TYPE_LABELS, Level, Municipality, Organization, OrgType, Region, ReportsTo
from hierarchy.queries import user_timezone
from hierarchy.services import ImportResult
from registry.auth.models import Role, User
from registry.core.clock import now_utc
from registry.core.downloads import content_disposition
from registry.core.errors import NotFound
from registry.core.job_limit import TooManyJobs
from registry.core.listing import name_matches, paginate, search_arg
from registry.core.permissions import require
from registry.imports import jobs as import_jobs
from registry.imports.views import REFRESH_SECONDS, refreshing

bp = Blueprint("hierarchy", __name__, url_prefix="/hierarchy")

PER_PAGE = 50
TOP_DOWN = (Level.region, Level.municipality, Level.organization)


@bp.route("/import", methods=["GET", "POST"])
@login_required
def unit_import():
    """Upload a file: it is imported by a background job whose page shows progress, then the outcome."""
    require(services.can_import_hierarchy(current_user))
    if request.method == "GET":
        return _import_page()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _import_page(errors=[RowError(None, "", "Выберите файл для загрузки.")]), 422
    try:
        job = import_jobs.create("hierarchy", upload.filename, upload.read(), actor=current_user)
    except TooManyJobs as refused:
        return _import_page(errors=[RowError(None, "", refused.message)]), refused.status
    jobs.enqueue(job.id)
    return redirect(url_for("hierarchy.import_job", job_id=job.id))


@bp.get("/import/template.<fmt>")
@login_required
def import_template(fmt: str):
    """The hierarchy template: Russian headers, an example row of each kind; XLSX with drop-down lists."""
    require(services.can_import_hierarchy(current_user))
    if fmt not in columns.FORMATS:
        raise NotFound("Такого формата шаблона нет.")
    body, mimetype = columns.template(fmt)
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": content_disposition(f"шаблон-иерархии.{fmt}")})


@bp.get("/import/jobs/<int:job_id>")
@login_required
def import_job(job_id: int):
    """The import's progress (the page refreshes itself while it runs), then its counts or every error."""
    require(services.can_import_hierarchy(current_user))
    job = import_jobs.own_job(job_id, current_user)
    if job is None or job.kind != "hierarchy":
        raise NotFound("Загрузка не найдена.")
    active = job.is_active(now_utc())
    result = ImportResult(**{k: v for k, v in job.result.items() if k != "rows"}) if job.result else None
    page = _import_page(job=job, active=active, stale=job.is_stale(now_utc()), result=result, errors=job.row_errors,
                        message=job.error, filename=job.file_name, refresh=REFRESH_SECONDS,
                        tz=user_timezone(current_user))
    return refreshing(page, active)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    # raised while the CSRF check reads the form, i.e. before the view's own checks: authorize here too
    message = f"Файл слишком большой: можно загрузить не более {_max_upload_mb()} МБ."
    if current_user.is_authenticated and services.can_import_hierarchy(current_user):
        return _import_page(errors=[RowError(None, "", message)]), 413
    return render_template("errors/error.html", message=message, status=413), 413


@bp.get("/units")
@login_required
def unit_list():
    require(services.can_import_hierarchy(current_user))
    units = _visible_units(current_user)
    # "tree" (the default, no header of its own): each region, then its municipalities, then its organizations
    sorts = {"tree": (units.c.region_code, units.c.rank, units.c.code), "code": (units.c.code,),
             "name": (units.c.name, units.c.code), "kind": (units.c.rank, units.c.org_type, units.c.code)}
    search = search_arg()
    query = sa.select(units).where(name_matches(search, units.c.name, units.c.code)) if search else sa.select(units)
    listing = paginate(query, sorts, "tree", PER_PAGE)
    return render_template("hierarchy/unit_list.html", rows=[_unit_row(r) for r in listing.rows], listing=listing,
                           scope=_scope_label(current_user), search=search)


def _import_page(*, errors=None, message=None, result=None, filename=None, **job):
    return render_template("hierarchy/unit_import.html", errors=errors or [], message=message, result=result,
                           filename=filename, columns=[columns.HEADERS[c] for c in COLUMNS], kind_labels=KIND_LABELS,
                           levels=TOP_DOWN,
                           max_mb=_max_upload_mb(), scope=_scope_label(current_user), **job)


def _max_upload_mb() -> int:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return max(1, round(limit / (1024 * 1024)))


def _scope_label(user: User) -> str | None:
    """What a region operator is limited to; None for an admin."""
    if user.role is Role.region_operator:
        return f"{user.region.name} ({user.region.code})"
    return None


def _visible_units(user: User) -> sa.Subquery:
    """All units as one table (level rank, code, name, type, reporting parent), scoped to the user's region."""
    text = sa.String()
    parent_is_region = Organization.reports_to == ReportsTo.region
    selects = [
        sa.select(sa.literal(0).label("rank"), Region.code, Region.name, sa.cast(sa.null(), text).label("org_type"),
                  sa.cast(sa.null(), text).label("parent_code"), sa.cast(sa.null(), text).label("parent_name"),
                  Region.code.label("region_code"), Region.id.label("region_id")),
        sa.select(sa.literal(1), Municipality.code, Municipality.name, sa.cast(sa.null(), text), Region.code,
                  Region.name, Region.code, Region.id).join(Region, Municipality.region_id == Region.id),
        sa.select(sa.literal(2), Organization.code, Organization.name, sa.cast(Organization.org_type, text),
                  sa.case((parent_is_region, Region.code), else_=Municipality.code),
                  sa.case((parent_is_region, Region.name), else_=Municipality.name), Region.code, Region.id)
        .join(Region, Organization.region_id == Region.id)
        .join(Municipality, Organization.location_municipality_id == Municipality.id),
    ]
    if user.role is not Role.admin:
        selects = [s.where(Region.id == user.region_id) for s in selects]
    return sa.union_all(*selects).subquery("units")


def _unit_row(row) -> dict:
    level = TOP_DOWN[row.rank]
    kind = KIND_LABELS[level]
    if row.org_type:
        kind = f"{kind}: {ORG_TYPE_LABELS[OrgType(row.org_type)]}"
    parent = f"{row.parent_name} ({row.parent_code})" if row.parent_code else "—"
    return {"code": row.code, "name": row.name, "kind": kind, "parent": parent}
