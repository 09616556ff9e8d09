"""The stored federal forms: the regional operator's view of every set (snapshot version) with its build progress
and failures, one ZIP of a whole set, the summary shown on the regional dashboard; and «Федеральные формы», the
stored files of every unit in the user's scope, for whoever may download them."""
import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from deadlines.models import Campaign
from exports import set_scope, stored_files
from exports.catalog import FORM_FORMATS
from exports.models import FormSet
from hierarchy.permissions import can_see_region, can_work_in_region
from hierarchy.queries import unit_names
from monitoring import panels
from monitoring.access import load_campaign
from monitoring.campaigns import campaign_args
from monitoring.labels import LEVEL_NAMES
from registry.core.clock import now_utc
from registry.core.downloads import as_download
from registry.core.errors import NotFound
from registry.core.listing import paginate
from registry.core.permissions import require
from registry.extensions import db

bp = Blueprint("form_sets", __name__, url_prefix="/campaigns")
PREFIX = "/<region_code>/<int:year>/form-sets"
#: Rows per page: sets on the operator's list, a unit's forms in one set on «Федеральные формы».
PER_PAGE = 50
#: "created" is the id order: sets are numbered as the scheduler makes them.
SORTS = {"created": (FormSet.id,), "unit": (FormSet.level, FormSet.unit_code, FormSet.version, FormSet.id),
         "version": (FormSet.version, FormSet.id), "frozen": (FormSet.frozen_at, FormSet.id),
         "completed": (FormSet.completed_at, FormSet.id)}


def dashboard_panel(campaign: Campaign) -> dict:
    """The regional dashboard's section of stored forms (exports/_form_sets.html): progress, latest sets by name."""
    progress = stored_files.progress(campaign)
    names = unit_names(row["set"].unit_code for row in progress["latest"])
    return progress | {"latest": [row | {"unit_name": names[row["set"].unit_code]} for row in progress["latest"]]}


panels.add_region_panel("exports/_form_sets.html", dashboard_panel)


@bp.get(PREFIX)
@login_required
def form_set_list(region_code: str, year: int):
    campaign = load_campaign(region_code, year)
    require(can_see_region(current_user, campaign.region_id))
    listing = paginate(sa.select(FormSet).where(FormSet.campaign_id == campaign.id), SORTS, "-created", PER_PAGE)
    rows = stored_files.set_rows([s for s, in listing.rows])
    names = unit_names(row["set"].unit_code for row in rows)  # one query for the page, not one per set
    return render_template("exports/form_set_list.html", campaign=campaign, rows=rows, listing=listing, names=names,
                           levels=LEVEL_NAMES, formats=FORM_FORMATS, tz=campaign.region.timezone,
                           args=campaign_args(campaign))


@bp.get(PREFIX + "/<int:set_id>/zip")
@login_required
def form_set_archive(region_code: str, year: int, set_id: int):
    campaign = load_campaign(region_code, year)
    require(can_see_region(current_user, campaign.region_id))
    form_set = db.session.get(FormSet, set_id) if set_id < 2**31 else None  # beyond an INTEGER column
    if form_set is None or form_set.campaign_id != campaign.id:
        raise NotFound("Набор форм не найден.")
    # damaged files found while packing are marked for the builder: the redirect below commits the marks
    path = stored_files.archive(form_set, now_utc())
    if path is None:
        flash("Часть файлов набора повреждена или отсутствует: они будут сформированы заново при следующем запуске "
              "планировщика. Повторите загрузку позже.", "error")
        return redirect(url_for("form_sets.form_set_list", **campaign_args(campaign)))
    # forms carry unpublished statistics: never cached
    return as_download(send_file(path, mimetype="application/zip", max_age=0),
                       stored_files.archive_name(form_set, campaign))


@bp.get("/<region_code>/<int:year>/federal-forms")
@login_required
def federal_forms(region_code: str, year: int):
    """Every stored form the user may download, a row per unit and set, with a link per format."""
    campaign = load_campaign(region_code, year)
    require(can_work_in_region(current_user, campaign.region_id))
    listing = paginate(set_scope.unit_rows(current_user, campaign), set_scope.SORTS, "-frozen", PER_PAGE)
    files: dict[tuple[int, str], dict] = {}
    for stored in set_scope.files_of(current_user, campaign, sorted({row.set_id for row in listing.rows})):
        files.setdefault((stored.set_id, stored.unit_code), {})[stored.format] = stored
    names = unit_names(row.set_unit for row in listing.rows)  # one query for the page, not one per row
    return render_template("exports/federal_forms.html", campaign=campaign, listing=listing, files=files, names=names,
                           levels=LEVEL_NAMES, formats=FORM_FORMATS, tz=campaign.region.timezone,
                           all_sets=can_see_region(current_user, campaign.region_id), args=campaign_args(campaign))
