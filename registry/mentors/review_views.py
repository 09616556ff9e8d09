"""The curator's side of mentor self-service: invitations, the review of quarterly reports, year-end evaluations."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from hierarchy.queries import organization_by_code
from registry.core.api import current_actor
from registry.core.clock import now_utc
from registry.core.downloads import as_download, no_store
from registry.core.errors import DomainError, NotFound
from registry.core.permissions import require
from registry.extensions import db
from registry.mentors import access, services
from registry.mentors.models import REPORT_STATUS_LABELS, ReportStatus
from registry.mentors.pdf import evaluation_pdf
from registry.mentors.vocab import CRITERIA, QUARTER_NAMES, REPORT_PARTS, SCALE

bp = Blueprint("mentor_reviews", __name__, url_prefix="/records")
bp.after_request(no_store)
CURATOR_ONLY = "Наставников приглашает, их отчёты проверяет и оценивает куратор организации."
LABELS = {"statuses": REPORT_STATUS_LABELS, "quarters": QUARTER_NAMES, "fields": services.REPORT_FIELDS,
          "criteria": CRITERIA, "scale": SCALE, "parts": REPORT_PARTS}


@bp.app_template_global()
def mentor_self_service(mentor) -> dict:
    """What the mentor card shows of the mentor's account and evaluations (templates call it)."""
    return {"account": access.account_of(mentor), "evaluations": access.evaluations_of(mentor),
            "can_manage": access.can_manage_mentors(current_user, mentor.organization),
            "year": now_utc().year, "criteria": CRITERIA, "scale": SCALE}


def _managed(org_code: str):
    org = organization_by_code(org_code)
    require(access.can_manage_mentors(current_user, org), CURATOR_ONLY)
    return org


@bp.post("/<org_code>/mentors/<int:mentor_id>/invite")
@login_required
def invite(org_code: str, mentor_id: int):
    org = _managed(org_code)
    mentor = access.org_mentor(org, mentor_id)
    try:
        with db.session.begin_nested():  # a refusal undoes only this change: the redirect below commits
            user = services.invite(mentor, request.form.get("email", ""), actor=current_actor(), now=now_utc())
    except DomainError as error:
        flash(f"{error.message} {' '.join(m for ms in error.fields.values() for m in ms)}".strip(), "error")
        return redirect(url_for("records.mentor_edit", org_code=org.code, mentor_id=mentor.id)), 303
    flash(f"Приглашение отправлено на {user.email}: ссылка действует один раз.", "success")
    return redirect(url_for("records.mentor_edit", org_code=org.code, mentor_id=mentor.id))


@bp.get("/<org_code>/mentor-reports")
@login_required
def report_list(org_code: str):
    org = _managed(org_code)
    return render_template("mentors/report_list.html", org=org, reports=db.session.scalars(access.reports_of(org)),
                           can_edit=True, **LABELS)


def _report_page(org, report, *, error=None):
    return render_template("mentors/report_review.html", org=org, report=report, error=error,
                           errors=error.fields if error else {}, values=request.form if error else {},
                           can_review=report.status is ReportStatus.submitted, can_edit=True,
                           **LABELS), error.status if error else 200


@bp.get("/<org_code>/mentor-reports/<int:report_id>")
@login_required
def report_view(org_code: str, report_id: int):
    org = _managed(org_code)
    return _report_page(org, access.org_report(org, report_id))


def _review(org_code: str, report_id: int, accept: bool):
    org = _managed(org_code)
    report = access.org_report(org, report_id)
    try:
        services.review(report, accept, request.form.get("comment", ""), actor=current_actor(), now=now_utc())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _report_page(org, access.org_report(org, report_id), error=error)
    flash("Отчёт принят." if accept else "Отчёт возвращён наставнику на доработку.", "success")
    return redirect(url_for(".report_view", org_code=org.code, report_id=report.id))


@bp.post("/<org_code>/mentor-reports/<int:report_id>/accept")
@login_required
def report_accept(org_code: str, report_id: int):
    return _review(org_code, report_id, True)


@bp.post("/<org_code>/mentor-reports/<int:report_id>/return")
@login_required
def report_return(org_code: str, report_id: int):
    return _review(org_code, report_id, False)


def _evaluation_page(org, mentor, year, *, values=None, error=None):
    found = access.evaluation(mentor, year)
    if values is None:
        values = {name: getattr(found, name) for name in REPORT_PARTS} if found else {}
        values |= {f"score_{code}": str(score) for code, score in (found.scores if found else {}).items()}
    return render_template("mentors/evaluation.html", org=org, mentor=mentor, year=year, evaluation=found,
                           values=values, error=error, errors=error.fields if error else {},
                           can_edit=access.can_manage_mentors(current_user, org),
                           **LABELS), error.status if error else 200


@bp.route("/<org_code>/mentors/<int:mentor_id>/evaluations/<int:year>", methods=["GET", "POST"])
@login_required
def evaluation(org_code: str, mentor_id: int, year: int):
    org = organization_by_code(org_code)
    require(access.can_view_evaluations(current_user, org), "Записи этой организации вне вашей области доступа.")
    mentor = access.org_mentor(org, mentor_id)
    if request.method == "GET":
        return _evaluation_page(org, mentor, year)
    require(access.can_manage_mentors(current_user, org), CURATOR_ONLY)
    try:
        services.save_evaluation(mentor, year, request.form, actor=current_actor(), now=now_utc())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _evaluation_page(org, mentor, year, values=request.form, error=error)
    flash("Оценка наставника сохранена.", "success")
    return redirect(url_for(".evaluation", org_code=org.code, mentor_id=mentor.id, year=year))


@bp.get("/<org_code>/mentors/<int:mentor_id>/evaluations/<int:year>/pdf")
@login_required
def evaluation_download(org_code: str, mentor_id: int, year: int):
    org = organization_by_code(org_code)
    require(access.can_view_evaluations(current_user, org), "Записи этой организации вне вашей области доступа.")
    mentor = access.org_mentor(org, mentor_id)
    found = access.evaluation(mentor, year)
    if found is None:
        raise NotFound(f"Оценка наставника за {year} год ещё не заполнена.")
    response = Response(evaluation_pdf(mentor, found), mimetype="application/pdf")
    return as_download(response, f"Оценка наставника {mentor.full_name} {year}.pdf")
