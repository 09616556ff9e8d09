"""Download pages: a unit's statistics form (preview with control results, PDF/XLSX/CSV/XML), the ZIP archive of
all organizations' forms with its progress page, and the consolidated monitoring report (PDF/XLSX)."""
from io import BytesIO

from flask import Blueprint, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from exports import jobs, stored_files
from exports.access import authorized_unit, require_consolidated
from exports.builders.federal_form import file_name, form_for_unit
from exports.builders.monitoring_report import monitoring_report
from exports.catalog import FORM_FORMATS, formats_of, get_form
from exports.formatting import check_message
from exports.models import EXPORT_JOB_STATUS_LABELS, ExportJobStatus
from exports.stored_files import download_name
from monitoring.access import load_campaign
from monitoring.campaigns import campaign_args
from registry.core.clock import now_utc
from registry.core.downloads import as_download
from registry.core.errors import NotFound

bp = Blueprint("exports", __name__, url_prefix="/campaigns")
FORM = "/<region_code>/<int:year>/federal-form/<unit_code>"
#: Seconds between refreshes of the archive page while the archive is being built.
REFRESH_SECONDS = 3


def _load(region_code: str, year: int, unit_code: str):
    campaign = load_campaign(region_code, year)
    unit, member = authorized_unit(current_user, campaign, unit_code)
    return campaign, unit, member


def _download(data: bytes, mimetype: str, name: str):
    # forms carry unpublished statistics: never cached
    return as_download(send_file(BytesIO(data), mimetype=mimetype, max_age=0), name)


@bp.get(FORM)
@login_required
def federal_form_view(region_code: str, year: int, unit_code: str):
    campaign, unit, member = _load(region_code, year, unit_code)
    definition = get_form(request.args.get("form"))
    form = form_for_unit(campaign, unit, definition, member, current_user)
    return render_template(
        "exports/federal_form_view.html", campaign=campaign, form=form, definition=definition, formats=FORM_FORMATS,
        failures=[check_message(c) for c in form.failures], unchecked=[check_message(c) for c in form.unchecked],
        passed=len(form.checks) - len(form.failures) - len(form.unchecked), consolidated=form.consolidated,
        versions=stored_files.unit_versions(campaign, unit, definition.code), tz=campaign.region.timezone,
        args=campaign_args(campaign))


@bp.get(FORM + "/<any(pdf, xlsx, csv, xml):fmt>")
@login_required
def federal_form_download(region_code: str, year: int, unit_code: str, fmt: str):
    campaign, unit, member = _load(region_code, year, unit_code)
    definition, spec = get_form(request.args.get("form")), FORM_FORMATS[fmt]
    stored = stored_files.stored_for(campaign, unit, fmt, definition.code, request.args.get("set", type=int))
    if stored is not None:  # what was stored from the frozen snapshot, byte for byte
        # a damaged file is marked for the builder (the request commits it) before it is replaced here
        data = stored_files.read_stored(stored, now_utc())
        data = data if data is not None else stored_files.fresh_render(stored)
        return _download(data, spec.mimetype, download_name(stored, campaign))
    form = form_for_unit(campaign, unit, definition, member, current_user)
    return _download(spec.render(form), spec.mimetype, file_name(form, spec.extension))


def _archive_format() -> str:
    fmt = request.values.get("format", "pdf")
    if fmt not in FORM_FORMATS:
        raise NotFound("Неизвестный формат архива.")
    return fmt


@bp.get(FORM + "/archive")
@login_required
def federal_form_archive(region_code: str, year: int, unit_code: str):
    campaign, unit, _ = _load(region_code, year, unit_code)
    require_consolidated(unit)
    fmt, definition = _archive_format(), get_form(request.args.get("form"))
    job = jobs.latest_job(campaign, unit.code, fmt, definition.code)
    now = now_utc()
    active = job is not None and job.is_active(now)
    page = render_template(
        "exports/archive_view.html", campaign=campaign, unit=unit, job=job, fmt=fmt, formats=FORM_FORMATS,
        active=active, stale=job is not None and job.is_stale(now), refresh=REFRESH_SECONDS,
        status_label=EXPORT_JOB_STATUS_LABELS[job.status] if job else None, done=ExportJobStatus.done,
        args=campaign_args(campaign))
    response = make_response(page)
    if active:
        response.headers["Refresh"] = str(REFRESH_SECONDS)  # same as the page's <meta http-equiv=refresh>
    return response


@bp.post(FORM + "/archive")
@login_required
def federal_form_archive_start(region_code: str, year: int, unit_code: str):
    campaign, unit, _ = _load(region_code, year, unit_code)
    require_consolidated(unit)
    fmt, definition = _archive_format(), get_form(request.form.get("form"))
    job, created = jobs.request_archive(campaign, unit, fmt, definition, actor=current_user)
    if created:
        jobs.enqueue(job.id)
    else:
        flash("Архив уже формируется: дождитесь окончания.", "info")
    return redirect(url_for("exports.federal_form_archive", **campaign_args(campaign), unit_code=unit.code,
                            format=fmt))


@bp.get(FORM + "/archive/download")
@login_required
def federal_form_archive_download(region_code: str, year: int, unit_code: str):
    campaign, unit, _ = _load(region_code, year, unit_code)
    require_consolidated(unit)
    fmt, definition = _archive_format(), get_form(request.args.get("form"))
    job = jobs.latest_job(campaign, unit.code, fmt, definition.code)
    if job is None or job.status is not ExportJobStatus.done:
        flash("Готового архива нет: сформируйте его.", "info")
        return redirect(url_for("exports.federal_form_archive", **campaign_args(campaign), unit_code=unit.code,
                                format=fmt))
    return _download(job.content, "application/zip", job.file_name)


@bp.get("/<region_code>/<int:year>/monitoring-report/<unit_code>/<any(pdf, xlsx):fmt>")
@login_required
def monitoring_report_download(region_code: str, year: int, unit_code: str, fmt: str):
    campaign, unit, _ = _load(region_code, year, unit_code)
    require_consolidated(unit)
    report = monitoring_report(campaign, unit, viewer=current_user)
    spec = formats_of("monitoring-report")[fmt]
    return _download(spec.render(report), spec.mimetype, f"monitoring_{unit.code}_{campaign.year}.{spec.extension}")
