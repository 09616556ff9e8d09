"""The region's bulk upload of plans: the page, the upload (all or nothing) and the XLSX template."""
import io

from flask import Blueprint, current_app, render_template, request, send_file
from flask_login import current_user, login_required

from monitoring.access import load_campaign
from monitoring.campaigns import campaign_args
from monitoring.plans import importer
from monitoring.plans.access import can_import_plans
from registry.core.clock import now_utc
from registry.core.errors import NotFound
from registry.core.permissions import require
from registry.core.tabular import RowError, TableRejected

bp = Blueprint("plan_imports", __name__, url_prefix="/campaigns")
PREFIX = "/<region_code>/<int:year>/plans-import"


def _load(region_code: str, year: int):
    campaign = load_campaign(region_code, year)
    require(can_import_plans(current_user, campaign), "Загружать планы может только региональный оператор.")
    return campaign


@bp.route(PREFIX, methods=["GET", "POST"])
@login_required
def plan_import(region_code: str, year: int):
    campaign = _load(region_code, year)
    if request.method == "GET":
        return _page(campaign)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(campaign, errors=[RowError(None, "", "Выберите файл для загрузки.")]), 422
    try:
        count = importer.import_plans(campaign, upload.read(), upload.filename, actor=current_user, now=now_utc())
    except TableRejected as exc:
        return _page(campaign, errors=exc.errors, message=exc.message, filename=upload.filename), 422
    return _page(campaign, imported=count, filename=upload.filename)


@bp.get(PREFIX + "/template.<fmt>")
@login_required
def plan_import_template(region_code: str, year: int, fmt: str):
    """The template with every unit of the campaign, in XLSX or CSV."""
    campaign = _load(region_code, year)
    if fmt not in importer.FORMATS:
        raise NotFound("Такого формата шаблона нет: XLSX или CSV.")
    return send_file(io.BytesIO(importer.template(campaign, fmt)), mimetype=importer.FORMATS[fmt], as_attachment=True,
                     download_name=f"шаблон-планов-{campaign.year}.{fmt}")


def _page(campaign, *, errors=None, message=None, imported=None, filename=None):
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return render_template("monitoring/plan_import.html", campaign=campaign, errors=errors or [], message=message,
                           imported=imported, filename=filename, headers=importer.HEADERS,
                           unit_header=importer.UNIT_HEADER, name_header=importer.NAME_HEADER,
                           max_mb=max(1, round(limit / (1024 * 1024))), args=campaign_args(campaign))
