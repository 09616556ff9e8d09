"""API v1: satisfaction surveys (PRODUCT.md §10) — open with one-time links, read results, close; answer by link.

The two survey-link routes are public: the token in the URL is the respondent's only credential.
"""
from io import BytesIO

from flask import send_file, url_for

from hierarchy.models import Organization
from monitoring.access import load_campaign, load_member
from monitoring.api.common import CAMPAIGN_URL
from registry.core.api import ApiBlueprint, current_actor
from registry.core.clock import now_utc
from registry.core.errors import ValidationFailed
from registry.core.json_answers import sent_as_is
from registry.extensions import db
from surveys import access, answers_export, services
from surveys.models import Survey
from surveys.results import Result, result_columns, result_of, results
from surveys.schemas import (
    AnswerBodySchema,
    AnswersQuerySchema,
    AnswerStoredSchema,
    QuestionnaireSchema,
    SurveyOpenedSchema,
    SurveyOpenSchema,
    SurveySchema,
)
from surveys.throttle import throttle_answers

PUBLIC = ("questionnaire", "answer")
api_bp = ApiBlueprint("surveys_api", __name__, public=PUBLIC,
                      description="Опросы удовлетворённости: одноразовые ссылки, анонимные ответы, итоги для R10/R11.")
SURVEYS_URL = f"{CAMPAIGN_URL}/surveys"
LINK_URL = "/survey-links/<token>"

def link_url(token: str) -> str:
    return url_for("survey_answer.answer_page", token=token, _external=True)


def describe(survey: Survey, result: Result, user) -> dict:
    """The survey as the API shows it."""
    now = now_utc()
    return _shown(survey.campaign, survey, survey.organization.code, result, user,
                  services.is_accepting(survey, now), services.closes_at(survey, now))


def _shown(campaign, survey, organization_code: str, result: Result, user, accepting: bool, closes) -> dict:
    """`survey`: a Survey or a row with its id, kind and organization_id."""
    return {"id": survey.id, "kind": survey.kind, "organization": organization_code, "links": result.links,
            "respondents": result.respondents,
            "satisfaction_pct": (result.pct if access.can_see_pct(user, campaign, result.respondents,
                                                                 survey.organization_id) else None),
            "open": accepting, "closes_at": closes}


@api_bp.route(SURVEYS_URL, methods=["POST"])
@api_bp.arguments(SurveyOpenSchema)
@api_bp.response(201, SurveyOpenedSchema)
def open_survey(data: dict, region_code: str, year: int):
    """Открыть опрос организации (или добавить ссылки к открытому) и получить одноразовые ссылки. Куратор."""
    campaign = load_campaign(region_code, year)
    org, _ = load_member(campaign, data["organization"])
    access.require_running_surveys(current_actor(), org.id)
    survey, tokens = services.open_survey(campaign, org, data["kind"], data["links"], actor=current_actor())
    return {"id": survey.id, "links": [link_url(t) for t in tokens]}, 201


@api_bp.route(SURVEYS_URL, methods=["GET"])
@api_bp.response(200, SurveySchema(many=True))
def list_surveys(region_code: str, year: int):
    """Опросы кампании в области доступа: куратор — своей организации, муниципалитет — подотчётных, регион — все."""
    campaign = load_campaign(region_code, year)
    user = current_actor()
    visible, now = access.visible_surveys(user, campaign), now_utc()
    # plain rows with their results, the extensions read by subquery: a region's 2,700 surveys as ORM objects with
    # their organizations, and IN lists of 2,700 ids, cost more than the answer itself (issue 18)
    rows = db.session.execute(visible.join(Organization, Organization.id == Survey.organization_id).with_only_columns(
        Survey.id, Survey.kind, Survey.organization_id, Survey.closed_at, Organization.code, *result_columns())
        .order_by(Survey.id)).all()
    extensions = services.active_extensions(campaign, visible.with_only_columns(Survey.organization_id), now)
    items = []
    for row in rows:
        accepting, closes = services.window(campaign, row.closed_at, extensions.get(row.organization_id), now)
        items.append(_shown(campaign, row, row.code, result_of(row), user, accepting, closes))
    return sent_as_is(items)


@api_bp.route(f"{SURVEYS_URL}/<int:survey_id>", methods=["GET"])
@api_bp.response(200, SurveySchema)
def read_survey(region_code: str, year: int, survey_id: int):
    """Итоги опроса: ссылки, ответившие, удовлетворённость (при < 5 ответивших — только для региона)."""
    campaign = load_campaign(region_code, year)
    survey = access.viewable_survey(current_actor(), campaign, survey_id)
    return describe(survey, results([survey.id])[survey.id], current_actor())


@api_bp.route(f"{SURVEYS_URL}/<int:survey_id>/close", methods=["POST"])
@api_bp.response(200, SurveySchema)
def close_survey(region_code: str, year: int, survey_id: int):
    """Закрыть опрос: ссылки больше не принимают ответов. Куратор организации."""
    campaign = load_campaign(region_code, year)
    survey = access.runnable_survey(current_actor(), campaign, survey_id)
    services.close_survey(survey, actor=current_actor())
    return describe(survey, results([survey.id])[survey.id], current_actor())


@api_bp.route(f"{CAMPAIGN_URL}/survey-answers", methods=["GET"])
@api_bp.arguments(AnswersQuerySchema, location="query")
@api_bp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream",
                 description="XLSX или CSV (UTF-8 с BOM, «;»): одна строка на ответ на вопрос, без ссылок и времени.")
def download_answers(args: dict, region_code: str, year: int):
    """Анонимные ответы опросов подразделения. Муниципалитет — свои организации; регион — все."""
    campaign = load_campaign(region_code, year)
    user = current_actor()
    unit = access.answers_unit(user, campaign, args["unit"])
    data = answers_export.render(user, campaign, unit, args["format"])
    response = send_file(BytesIO(data), mimetype=answers_export.FORMATS[args["format"]], as_attachment=True,
                         download_name=answers_export.file_name(campaign, unit, args["format"]), max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@api_bp.route(LINK_URL, methods=["GET"])
@api_bp.response(200, QuestionnaireSchema)
@api_bp.alt_response(404, response="NOT_FOUND")
@api_bp.alt_response(409, response="CONFLICT")
@api_bp.alt_response(423, response="LOCKED")
def questionnaire(token: str):
    """Анкета по одноразовой ссылке (без авторизации). 409 — по ссылке уже ответили; 423 — опрос закрыт."""
    _, found = services.questionnaire_of(access.link_by_token(token))
    return found.as_dict()


@api_bp.route(f"{LINK_URL}/answers", methods=["POST"])
@api_bp.arguments(AnswerBodySchema)
@api_bp.response(201, AnswerStoredSchema)
@api_bp.alt_response(404, response="NOT_FOUND")
@api_bp.alt_response(409, response="CONFLICT")
@api_bp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@api_bp.alt_response(423, response="LOCKED")
@api_bp.alt_response(429, response="TOO_MANY_REQUESTS")
@throttle_answers
def answer(data: dict, token: str):
    """Ответить по ссылке (без авторизации): один раз; ответ хранится без связи со ссылкой."""
    try:
        services.answer(token, data["answers"])
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, {f"answers.{q}": m for q, m in exc.fields.items()}) from exc
    return {"status": "stored"}, 201
