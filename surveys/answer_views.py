"""The respondent's page: a questionnaire opened by a one-time link, no account, plain HTML form (no JavaScript).

No CSRF token: the page uses no cookie-borne authority (the token in the URL is the only credential), and a
respondent's phone may refuse cookies.
"""
from flask import Blueprint, render_template, request

from registry.core.errors import DomainError, ValidationFailed
from registry.extensions import csrf
from surveys import access, services
from surveys.throttle import throttle_answers

bp = Blueprint("survey_answer", __name__, url_prefix="/s")


def _refusal(error: DomainError):
    return render_template("surveys/answer_refused.html", message=error.message, status=error.status), error.status


@bp.route("/<token>", methods=["GET"])
def answer_page(token: str):
    try:
        survey, questionnaire = services.questionnaire_of(access.link_by_token(token))
    except DomainError as error:
        return _refusal(error)
    return render_template("surveys/answer.html", questionnaire=questionnaire, token=token, given={}, errors={},
                           error=None)


@bp.route("/<token>", methods=["POST"])
@csrf.exempt
@throttle_answers
def answer_submit(token: str):
    given = {key: value for key, value in request.form.items() if key != "csrf_token"}
    try:
        services.answer(token, given)
    except ValidationFailed as error:  # 422: the request rolls back, what was typed is shown again
        survey, questionnaire = services.questionnaire_of(access.link_by_token(token))
        return render_template("surveys/answer.html", questionnaire=questionnaire, token=token, given=given,
                               errors=error.fields, error=error), 422
    except DomainError as error:
        return _refusal(error)
    return render_template("surveys/answer_done.html")
