"""The mentor's own pages: pairs with their programmes and individual plans, and the quarterly reports."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from registry.core.api import current_actor
from registry.core.clock import now_utc
from registry.core.errors import DomainError, NotFound, PermissionDenied
from registry.core.permissions import require
from registry.extensions import db
from registry.mentoring.vocab import FORM_LABELS
from registry.mentors import access, services
from registry.mentors.models import REPORT_STATUS_LABELS
from registry.mentors.vocab import QUARTER_NAMES, quarter_of
from registry.programmes import services as programmes
from registry.programmes.access import plan_of
from registry.programmes.models import ITEM_KINDS, Programme

bp = Blueprint("mentor", __name__, url_prefix="/mentor")
ONLY_MENTORS = "Эти страницы — для наставников, приглашённых куратором."
LABELS = {"forms": FORM_LABELS, "item_kinds": ITEM_KINDS, "statuses": REPORT_STATUS_LABELS,
          "quarters": QUARTER_NAMES, "fields": services.REPORT_FIELDS}


@bp.before_app_request
def _mentor_fence():
    """A mentor account opens only its own pages (and signing in/out, notifications, public pages): never the
    monitoring, dashboards or the organization's records."""
    if access.is_mentor(current_user) and not access.mentor_may_open(request.endpoint):
        raise PermissionDenied("Наставнику доступны только его пары, планы и отчёты.")


def _mentor():
    require(access.is_mentor(current_user), ONLY_MENTORS)
    return current_actor()


@bp.get("/")
@login_required
def home():
    user = _mentor()
    today = services.local_today(user, now_utc())
    pairs = db.session.scalars(access.own_pairs(user)).all()
    return render_template("mentors/home.html", pairs=pairs, reports=db.session.scalars(access.own_reports(user)).all(),
                           current=(today.year, quarter_of(today)), mentor=user.mentor, **LABELS)


@bp.get("/pairs/<int:pair_id>")
@login_required
def pair(pair_id: int):
    user = _mentor()
    found = access.own_pair(user, pair_id)
    return render_template("mentors/pair.html", pair=found, items=db.session.scalars(plan_of(found)).all(),
                           programme=db.session.get(Programme, found.programme_id) if found.programme_id else None,
                            **LABELS)


@bp.post("/pairs/<int:pair_id>/plan/<int:item_id>/done")
@login_required
def plan_item_done(pair_id: int, item_id: int):
    user = _mentor()
    item = access.own_plan_item(access.own_pair(user, pair_id), item_id)
    done = request.form.get("done") == "1"
    programmes.mark_done(item, done, actor=user)
    flash("Отмечено: выполнено." if done else "Отметка о выполнении снята.", "success")
    return redirect(url_for(".pair", pair_id=pair_id))


@bp.route("/reports/<int:year>/<int:quarter>", methods=["GET", "POST"])
@login_required
def report_edit(year: int, quarter: int):
    user = _mentor()
    report = access.own_report(user, year, quarter)
    if request.method == "GET":
        if quarter not in QUARTER_NAMES:
            raise NotFound("Такого квартала нет: квартал — число от 1 до 4.")
        return _report_page(year, quarter, report)
    submit = request.form.get("action") == "submit"
    try:
        report = services.save_report(user, year, quarter, request.form, submit=submit, now=now_utc())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _report_page(year, quarter, access.own_report(user, year, quarter), values=request.form, error=error)
    flash("Отчёт отправлен куратору." if submit else "Черновик отчёта сохранён.", "success")
    return redirect(url_for(".report_edit", year=year, quarter=quarter))


def _report_page(year, quarter, report, *, values=None, error=None):
    if values is None:
        values = {name: getattr(report, name) for name in services.REPORT_FIELDS} if report else {}
    editable = report is None or report.status in services.EDITABLE
    return render_template("mentors/report_edit.html", year=year, quarter=quarter, report=report, values=values,
                           editable=editable, error=error, errors=error.fields if error else {},
                           **LABELS), error.status if error else 200
