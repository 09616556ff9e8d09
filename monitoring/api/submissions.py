"""API v1: organization submissions — read, replace values, submit, return, accept, reopen; the review queue."""
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Response, jsonify

from hierarchy.models import Municipality, Organization
from hierarchy.permissions import can_edit_organization
from monitoring import services
from monitoring.access import (
    can_review_member,
    can_see_member,
    load_campaign,
    load_campaign_member,
    visible_members,
)
from monitoring.api.common import CAMPAIGN_URL
from monitoring.models import CampaignMember, Submission, SubmissionStatus
from monitoring.schemas import (
    CommentSchema,
    OptionalCommentSchema,
    QueueItemSchema,
    QueueQuerySchema,
    SubmissionPutSchema,
    SubmissionSchema,
    VersionSchema,
)
from registry.core.api import ApiBlueprint, current_actor
from registry.core.errors import ValidationFailed
from registry.core.json_answers import sent_as_is
from registry.core.permissions import require
from registry.extensions import db
from surveys.results import hide_small

api_bp = ApiBlueprint("submissions_api", __name__, description="Отчёты организаций и их проверка.")

SUBMISSION_URL = f"{CAMPAIGN_URL}/submissions/<org_code>"
_NOT_CURATOR = "Вносить и отправлять данные может только куратор этой организации."
_NOT_REVIEWER = "Проверять отчёт может только проверяющий этой организации (муниципалитет или региональный оператор)."


@contextmanager
def _errors_under_values():
    """Control-ratio errors name indicator codes; the API reports them as values.<code>."""
    try:
        yield
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, {f"values.{code}": msgs for code, msgs in exc.fields.items()}) from exc


def _answer(submission: Submission, org: Organization) -> Response:
    """The changed submission as the caller may see it; the request boundary commits after it is built."""
    return _sent(hide_small(services.describe(submission, org), current_actor(), submission.campaign, org))


def _sent(answer: dict) -> Response:
    """A submission's answer, already in SubmissionSchema's shape (strings, numbers, the schema's keys only): sent
    as is, without a second serialization pass through the schema (the soak's hottest answers)."""
    return jsonify(answer)


@api_bp.route(f"{CAMPAIGN_URL}/submissions", methods=["GET"])
@api_bp.arguments(QueueQuerySchema, location="query")
@api_bp.response(200, QueueItemSchema(many=True))
def review_queue(args: dict, region_code: str, year: int):
    """Отчёты организаций в области доступа: куратор — свой, муниципалитет — подотчётные, регион — все.

    Организация, ещё не начавшая отчёт, показана как черновик версии 0.
    """
    campaign = load_campaign(region_code, year)
    user = current_actor()
    query = (
        visible_members(user, campaign)
        # the two enums as their stored strings (the answer's values): a region's 8,000 rows skip the conversion
        .with_only_columns(Organization.code, Organization.name,
                           sa.type_coerce(CampaignMember.org_type, sa.String).label("org_type"),
                           Municipality.code.label("mun"), sa.type_coerce(Submission.status, sa.String).label("status"),
                           Submission.version, Submission.updated_at, Submission.submitted_at)
        .select_from(CampaignMember)
        .join(Organization, Organization.id == CampaignMember.organization_id)
        .outerjoin(Municipality, Municipality.id == CampaignMember.reporting_municipality_id)
        .outerjoin(Submission, sa.and_(Submission.campaign_id == CampaignMember.campaign_id,
                                       Submission.organization_id == CampaignMember.organization_id))
        .order_by(Organization.code)
    )
    if args.get("status") == SubmissionStatus.draft.value:
        query = query.where(sa.or_(Submission.status.is_(None), Submission.status == SubmissionStatus.draft))
    elif args.get("status"):
        query = query.where(Submission.status == SubmissionStatus(args["status"]))
    if args.get("municipality"):
        query = query.where(Municipality.code == args["municipality"])
    # rows unpacked as tuples: a Row's attribute lookups were a third of the time of a region's 8,000 items
    return sent_as_is([{"organization": code, "name": name, "org_type": org_type, "reporting_municipality": mun,
                        "status": status or SubmissionStatus.draft.value, "version": version or 0,
                        "updated_at": updated_at, "submitted_at": submitted_at}
                       for code, name, org_type, mun, status, version, updated_at, submitted_at
                       in db.session.execute(query)])



@api_bp.route(SUBMISSION_URL, methods=["GET"])
@api_bp.response(200, SubmissionSchema)
def read_submission(region_code: str, year: int, org_code: str):
    """Отчёт организации: значения, версия, состояние, комментарий проверяющего."""
    campaign, org, member = load_campaign_member(region_code, year, org_code)
    require(can_see_member(current_actor(), campaign, org, member), "Организация вне вашей области доступа.")
    return _sent(hide_small(services.describe(services.get_submission(campaign, org), org), current_actor(), campaign,
                            org))


@api_bp.route(SUBMISSION_URL, methods=["PUT"])
@api_bp.arguments(SubmissionPutSchema)
@api_bp.response(200, SubmissionSchema)
def put_submission(data: dict, region_code: str, year: int, org_code: str):
    """Заменить весь набор значений (черновик может быть неполным). Куратор организации.

    `version` — версия, на которой основано изменение; если отчёт уже изменён, ответ 409 содержит текущий.
    """
    campaign, org, _ = load_campaign_member(region_code, year, org_code)
    require(can_edit_organization(current_actor(), org.id), _NOT_CURATOR)
    with _errors_under_values():
        submission = services.save_values(campaign, org, data["values"], version=data["version"],
                                          actor=current_actor())
    return _answer(submission, org)


@api_bp.route(f"{SUBMISSION_URL}/submit", methods=["POST"])
@api_bp.arguments(VersionSchema)
@api_bp.response(200, SubmissionSchema)
def submit_submission(data: dict, region_code: str, year: int, org_code: str):
    """Отправить отчёт на проверку: нужны все показатели и выполнение контрольных соотношений. Куратор."""
    campaign, org, _ = load_campaign_member(region_code, year, org_code)
    require(can_edit_organization(current_actor(), org.id), _NOT_CURATOR)
    with _errors_under_values():
        submission = services.submit(campaign, org, actor=current_actor(), version=data["version"])
    return _answer(submission, org)


@api_bp.route(f"{SUBMISSION_URL}/return", methods=["POST"])
@api_bp.arguments(CommentSchema)
@api_bp.response(200, SubmissionSchema)
def return_submission(data: dict, region_code: str, year: int, org_code: str):
    """Вернуть отчёт на доработку с обязательным комментарием. Проверяющий организации."""
    campaign, org, member = load_campaign_member(region_code, year, org_code)
    require(can_review_member(current_actor(), campaign, member), _NOT_REVIEWER)
    submission = services.return_submission(campaign, org, data["comment"], actor=current_actor())
    return _answer(submission, org)


@api_bp.route(f"{SUBMISSION_URL}/accept", methods=["POST"])
@api_bp.response(200, SubmissionSchema)
def accept_submission(region_code: str, year: int, org_code: str):
    """Принять отчёт. Проверяющий организации."""
    campaign, org, member = load_campaign_member(region_code, year, org_code)
    require(can_review_member(current_actor(), campaign, member), _NOT_REVIEWER)
    submission = services.accept(campaign, org, actor=current_actor())
    return _answer(submission, org)


@api_bp.route(f"{SUBMISSION_URL}/reopen", methods=["POST"])
@api_bp.arguments(OptionalCommentSchema)
@api_bp.response(200, SubmissionSchema)
def reopen_submission(data: dict, region_code: str, year: int, org_code: str):
    """Вернуть принятый отчёт на проверку (фиксируется в журнале). Проверяющий организации."""
    campaign, org, member = load_campaign_member(region_code, year, org_code)
    require(can_review_member(current_actor(), campaign, member), _NOT_REVIEWER)
    submission = services.reopen(campaign, org, actor=current_actor(), comment=data["comment"])
    return _answer(submission, org)
