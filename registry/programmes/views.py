"""Programme pages (list, new, edit) and a pair's individual plan (programme, items, done marks)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from hierarchy.queries import organization_by_code
from registry.core.api import current_actor
from registry.core.errors import DomainError
from registry.core.permissions import require
from registry.extensions import db
from registry.mentoring.vocab import FORM_LABELS
from registry.programmes import access, services
from registry.programmes.models import ITEM_KINDS

bp = Blueprint("programmes", __name__, url_prefix="/records")
EDIT_ONLY = "Программы и планы ведёт куратор организации."
LABELS = {"forms": FORM_LABELS, "item_kinds": ITEM_KINDS, "field_labels": services.FIELD_LABELS}


def _viewable(org_code: str):
    org = organization_by_code(org_code)
    require(access.can_view_programmes(current_user, org), access.OUT_OF_SCOPE)
    return org


def _editable(org_code: str):
    org = _viewable(org_code)
    require(access.can_edit_programmes(current_user, org), EDIT_ONLY)
    return org


@bp.get("/<org_code>/programmes")
@login_required
def programme_list(org_code: str):
    org = _viewable(org_code)
    return render_template("programmes/programme_list.html", org=org,
                           programmes=db.session.scalars(access.visible_programmes(org)).all(),
                           can_edit=access.can_edit_programmes(current_user, org), **LABELS)


def _edit_page(org, programme=None, *, values=None, error=None, status=200):
    if values is None:
        values = {name: getattr(programme, name) for name in services.PROGRAMME_FIELDS} if programme else {}
    return render_template("programmes/programme_edit.html", org=org, programme=programme, values=values,
                           error=error, errors=error.fields if error else {},
                           can_edit=access.can_edit_programmes(current_user, org), **LABELS), status


@bp.route("/<org_code>/programmes/new", methods=["GET", "POST"])
@login_required
def programme_create(org_code: str):
    org = _editable(org_code)
    if request.method == "GET":
        return _edit_page(org)
    try:
        programme = services.create_programme(org, request.form, actor=current_actor())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _edit_page(org, values=request.form, error=error, status=error.status)
    flash("Программа сохранена.", "success")
    return redirect(url_for(".programme_edit", org_code=org.code, programme_id=programme.id))


@bp.route("/<org_code>/programmes/<int:programme_id>", methods=["GET", "POST"])
@login_required
def programme_edit(org_code: str, programme_id: int):
    org = _viewable(org_code)
    programme = access.programme(org, programme_id)
    if request.method == "GET":
        return _edit_page(org, programme)
    require(access.can_edit_programmes(current_user, org), EDIT_ONLY)
    try:
        services.update_programme(programme, request.form, actor=current_actor())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _edit_page(org, programme, values=request.form, error=error, status=error.status)
    flash("Изменения сохранены.", "success")
    return redirect(url_for(".programme_edit", org_code=org.code, programme_id=programme.id))


def _plan_page(org, pair, *, error=None, status=200):
    return render_template("programmes/plan.html", org=org, pair=pair, items=db.session.scalars(
        access.plan_of(pair)).all(), programmes=db.session.scalars(access.visible_programmes(org)).all(),
        error=error, errors=error.fields if error else {}, values=request.form if error else {},
        can_edit=access.can_edit_programmes(current_user, org), **LABELS), status


@bp.get("/<org_code>/pairs/<int:pair_id>/plan")
@login_required
def pair_plan(org_code: str, pair_id: int):
    org = _viewable(org_code)
    return _plan_page(org, access.pair(org, pair_id))


@bp.post("/<org_code>/pairs/<int:pair_id>/programme")
@login_required
def pair_programme(org_code: str, pair_id: int):
    org = _editable(org_code)
    pair = access.pair(org, pair_id)
    chosen = request.form.get("programme_id", type=int)
    try:
        services.assign_programme(pair, access.programme(org, chosen) if chosen else None, actor=current_actor())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _plan_page(org, pair, error=error, status=error.status)
    flash("Программа пары сохранена.", "success")
    return redirect(url_for(".pair_plan", org_code=org.code, pair_id=pair.id))


@bp.post("/<org_code>/pairs/<int:pair_id>/plan")
@login_required
def plan_item_add(org_code: str, pair_id: int):
    org = _editable(org_code)
    pair = access.pair(org, pair_id)
    try:
        services.add_plan_item(pair, request.form, actor=current_actor())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _plan_page(org, pair, error=error, status=error.status)
    flash("Пункт плана добавлен.", "success")
    return redirect(url_for(".pair_plan", org_code=org.code, pair_id=pair.id))


@bp.post("/<org_code>/pairs/<int:pair_id>/plan/<int:item_id>/done")
@login_required
def plan_item_done(org_code: str, pair_id: int, item_id: int):
    org = _editable(org_code)
    pair = access.pair(org, pair_id)
    item = access.plan_item(pair, item_id)
    done = request.form.get("done") == "1"
    services.mark_done(item, done, actor=current_actor())
    flash("Отмечено: выполнено." if done else "Отметка о выполнении снята.", "success")
    return redirect(url_for(".pair_plan", org_code=org.code, pair_id=pair.id))
