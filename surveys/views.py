"""Survey pages for staff: the curator opens and closes surveys and prints the QR sheet; whoever sees the
organization reads its results; officers download the anonymous answers of their scope."""
from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from deadlines.windows import last_day_label
from monitoring.access import load_campaign, load_member
from monitoring.campaigns import campaign_args
from registry.core.clock import now_utc
from registry.core.errors import DomainError
from registry.extensions import db
from surveys import access, answers_export, services
from surveys.models import Survey
from surveys.questionnaires import KIND_LABELS, KINDS
from surveys.results import results
from surveys.sheet import qr_sheet

bp = Blueprint("surveys", __name__, url_prefix="/campaigns")
ORG_URL = "/<region_code>/<int:year>/surveys/<org_code>"


def _page_url(campaign, org) -> str:
    return url_for("surveys.survey_list", **campaign_args(campaign), org_code=org.code)


@bp.route(ORG_URL, methods=["GET"])
@login_required
def survey_list(region_code: str, year: int, org_code: str):
    campaign = load_campaign(region_code, year)
    org, member = load_member(campaign, org_code)
    access.require_seeing_surveys(current_user, campaign, member)
    return render_page(campaign, org)


def render_page(campaign, org, *, error: DomainError | None = None, typed: dict | None = None, fresh=None):
    now, user = now_utc(), current_user
    found = {s.kind: s for s in db.session.scalars(access.visible_surveys(user, campaign).where(
        Survey.organization_id == org.id))}
    counts = results([s.id for s in found.values()])
    is_curator = access.can_run_surveys(user, org.id)
    rows = []
    for kind in KINDS:
        survey = found.get(kind)
        result = counts.get(survey.id) if survey else None
        rows.append({
            "kind": kind, "label": KIND_LABELS[kind], "survey": survey, "result": result,
            "pct_shown": result is not None and access.can_see_pct(user, campaign, result.respondents, org.id),
            "accepting": survey is not None and services.is_accepting(survey, now),
            "closes": last_day_label(services.closes_at(survey, now), campaign.region.timezone) if survey else None,
            "unused": services.unused_links(survey) if survey and is_curator else [],
            "participants": services.participants(org, campaign.year, kind) if is_curator else 0,
        })
    status = error.status if error else 200
    return render_template("surveys/survey_list.html", campaign=campaign, org=org, rows=rows, error=error,
                           errors=error.fields if error else {}, typed=typed or {}, is_curator=is_curator,
                           is_officer=access.can_download_answers(user), min_shown=access.MIN_SHOWN,
                           args=campaign_args(campaign), link_url=_link_url, fresh=fresh or {}), status


def _link_url(token: str) -> str:
    return url_for("survey_answer.answer_page", token=token, _external=True)


@bp.route(ORG_URL, methods=["POST"])
@login_required
def survey_open(region_code: str, year: int, org_code: str):
    campaign = load_campaign(region_code, year)
    org, _ = load_member(campaign, org_code)
    access.require_running_surveys(current_user, org.id)
    kind, raw = request.form.get("kind", ""), (request.form.get("links") or "").strip()
    try:
        links = int(raw) if raw else None
    except ValueError:
        error = DomainError("Ссылки не созданы: число ссылок — целое число.", {f"links-{kind}": ["Введите число."]})
        return render_page(campaign, org, error=error, typed={kind: raw})
    try:
        survey, tokens = services.open_survey(campaign, org, kind, links, actor=current_user)
    except DomainError as error:  # the error page's status rolls the request back
        fields = {f"{key}-{kind}": msgs for key, msgs in error.fields.items()}
        return render_page(campaign, org, error=DomainError(error.message, fields), typed={kind: raw})
    flash(f"Опрос {KIND_LABELS[kind]} открыт: добавлено ссылок — {len(tokens)}. Распечатайте QR-коды или "
          "раздайте ссылки участникам.", "success")
    return redirect(_page_url(campaign, org))


@bp.route(f"{ORG_URL}/<int:survey_id>/close", methods=["POST"])
@login_required
def survey_close(region_code: str, year: int, org_code: str, survey_id: int):
    campaign = load_campaign(region_code, year)
    org, _ = load_member(campaign, org_code)
    survey = access.runnable_survey(current_user, campaign, survey_id, org.id)
    try:
        services.close_survey(survey, actor=current_user)
    except DomainError as error:  # the error page's status rolls the request back
        return render_page(campaign, org, error=error)
    flash(f"Опрос {KIND_LABELS[survey.kind]} закрыт: ссылки больше не принимают ответов.", "success")
    return redirect(_page_url(campaign, org))


@bp.route(f"{ORG_URL}/<int:survey_id>/qr.pdf", methods=["GET"])
@login_required
def survey_sheet(region_code: str, year: int, org_code: str, survey_id: int):
    """The unused links as a printable sheet of QR codes (the curator's: the links are the respondents' keys)."""
    campaign = load_campaign(region_code, year)
    org, _ = load_member(campaign, org_code)
    survey = access.runnable_survey(current_user, campaign, survey_id, org.id)
    closes = last_day_label(services.closes_at(survey, now_utc()), campaign.region.timezone)
    data = qr_sheet(org.name, survey.kind, closes, [_link_url(t) for t in services.unused_links(survey)])
    response = send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True, max_age=0,
                         download_name=f"survey-{campaign.year}-{org.code}-{survey.kind}-qr.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<region_code>/<int:year>/survey-answers/<unit_code>/<fmt>", methods=["GET"])
@login_required
def answers_download(region_code: str, year: int, unit_code: str, fmt: str):
    campaign = load_campaign(region_code, year)
    if fmt not in answers_export.FORMATS:
        return render_template("errors/error.html", message="Допустимые форматы: xlsx, csv.", status=404), 404
    unit = access.answers_unit(current_user, campaign, unit_code)
    data = answers_export.render(current_user, campaign, unit, fmt)
    response = send_file(BytesIO(data), mimetype=answers_export.FORMATS[fmt], as_attachment=True, max_age=0,
                         download_name=answers_export.file_name(campaign, unit, fmt))
    response.headers["Cache-Control"] = "private, no-store"
    return response
