"""Submission use-cases: save, submit, return, accept, reopen. Validate → mutate → flush → audit; callers commit."""
import logging
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from deadlines import late_return
from deadlines.models import Campaign
from deadlines.windows import require_open
from hierarchy.models import Level, Organization
from monitoring import notifications, stored_values
from monitoring.indicators import check_values
from monitoring.models import CampaignMember, Submission, SubmissionStatus, SubmissionVersion
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.core.db import for_update
from registry.core.errors import InvalidTransition, NotFound, ValidationFailed, VersionConflict
from registry.extensions import db
from surveys import results as survey_results

logger = logging.getLogger(__name__)


def membership(campaign: Campaign, organization: Organization) -> CampaignMember:
    """The organization's place in the campaign, or NotFound if it is not expected there."""
    member = db.session.get(CampaignMember, (campaign.id, organization.id))
    if member is None:
        raise NotFound(f"Организация {organization.code} не входит в кампанию {campaign.year} года.")
    return member


@cache
def _submission_of() -> sa.Select:
    """The submission of one organization in one campaign (built once: its SQL and cache key are reused)."""
    return sa.select(Submission).where(Submission.campaign_id == sa.bindparam("campaign_id"),
                                       Submission.organization_id == sa.bindparam("organization_id"))


@cache
def _submission_with_values() -> sa.Select:
    # a read shows the values: fetch them with the submission (FOR UPDATE cannot take the outer join)
    return _submission_of().options(joinedload(Submission.values))


def get_submission(campaign: Campaign, organization: Organization, *, lock: bool = False) -> Submission | None:
    keys = {"campaign_id": campaign.id, "organization_id": organization.id}
    if lock:
        return db.session.scalar(for_update(db.session, _submission_of()), keys)
    return db.session.execute(_submission_with_values(), keys).unique().scalar_one_or_none()


def describe(submission: Submission | None, organization: Organization) -> dict:
    """The API's view of a submission; a submission not yet started reads as an empty draft, version 0."""
    if submission is None:
        return {"organization": organization.code, "status": SubmissionStatus.draft.value, "values": {},
                "version": 0, "review_comment": None}
    values = _shown_values(submission, organization, stored_values.of(submission), submission.status)
    by_kind = survey_results.organization_results(submission.campaign, organization)
    answer = {"organization": organization.code, "status": submission.status.value, "values": values,
              "version": submission.version, "review_comment": submission.review_comment}
    if by_kind:  # only when a survey ran: the answer of a submission without surveys keeps its v1 shape
        answer["from_survey"] = sorted(survey_results.surveyed_codes(by_kind))
    return answer


def _shown_values(submission: Submission, organization: Organization, stored: dict[str, float],
                  status: SubmissionStatus) -> dict:
    """The values a submission in `status` shows for its `stored` ones: a draft follows its surveys."""
    values = {code: _number(v) for code, v in stored.items()}
    if status in (SubmissionStatus.draft, SubmissionStatus.returned):
        values = survey_results.overlay(values, survey_results.organization_results(submission.campaign,
                                                                                    organization))
    return values


def _follow_surveys(campaign: Campaign, organization: Organization, submission: Submission) -> None:
    """Write the surveys' current figures into the submission's survey fields (they are sent as the survey says)."""
    by_kind = survey_results.organization_results(campaign, organization)
    if not by_kind:
        return
    values = survey_results.overlay(stored_values.of(submission), by_kind)
    if values != stored_values.of(submission):
        stored_values.replace(submission, values)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _check_version(submission: Submission | None, organization: Organization, expected: int | None) -> None:
    current = submission.version if submission else 0
    if expected is not None and expected != current:
        raise VersionConflict(
            f"Отчёт уже изменён (версия {current}, а ваша — {expected}). Обновите страницу: "
            "ваши данные не сохранены, сравните их с текущими и сохраните снова.",
            current=describe(submission, organization))


def _record(submission: Submission, event: str, actor: User | None, now: datetime, comment: str | None = None) -> None:
    """The next version: the submission's counter, and its history row written with one Core INSERT (no ORM object
    for the unit of work to track). The submission's own UPDATE is flushed with the audit row that follows."""
    with db.session.no_autoflush:  # reading the values must not flush the submission's changes: _store writes them
        values = {k: _number(v) for k, v in stored_values.of(submission).items()}
    submission.version += 1
    submission.updated_at = now
    _store(submission)
    db.session.execute(_INSERT_VERSION, {
        "submission_id": submission.id, "version": submission.version, "status": submission.status, "event": event,
        "comment": comment, "created_at": now, "values": values, "actor_id": getattr(actor, "id", None)})


_INSERT_VERSION = sa.insert(SubmissionVersion.__table__)
_SUBMISSIONS = Submission.__table__
#: The submission's columns a use-case changes (status, counters, review fields).
_CHANGING = ("status", "version", "updated_at", "submitted_at", "reviewed_at", "review_comment")


def _store(submission: Submission) -> None:
    """Write what changed on the (locked) submission with one Core UPDATE, then mark it stored, so no flush of the
    unit of work writes it again: one statement as before, without the flush's bookkeeping."""
    attrs = sa.inspect(submission).attrs
    changes = {key: getattr(submission, key) for key in _CHANGING if attrs[key].history.has_changes()}
    with db.session.no_autoflush:  # the session would flush these very changes first (a table of a mapped class)
        db.session.execute(_update_of(tuple(changes)), {**changes, "submission_id": submission.id})
    for key, value in changes.items():
        set_committed_value(submission, key, value)


@cache
def _update_of(columns: tuple[str, ...]) -> sa.Update:
    """UPDATE of these submission columns, all bind parameters: built once per set of columns (a handful)."""
    return (sa.update(_SUBMISSIONS).where(_SUBMISSIONS.c.id == sa.bindparam("submission_id"))
            .values({column: sa.bindparam(column) for column in columns}))


def _create_submission(campaign: Campaign, organization: Organization, now: datetime) -> Submission:
    """Insert the first version; a concurrent first save loses with a conflict, not a server error."""
    submission = Submission(campaign_id=campaign.id, organization_id=organization.id, created_at=now, updated_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(submission)
    except IntegrityError:
        raise VersionConflict("Отчёт только что создан в другом окне или другим пользователем. Обновите страницу: "
                              "ваши данные не сохранены.",
                              current=describe(get_submission(campaign, organization), organization)) from None
    return submission


def save_values(campaign: Campaign, organization: Organization, values: dict, *, version: int | None,
                actor: User, now: datetime | None = None) -> Submission:
    """Replace the whole set of values of a draft (or returned) submission as a new version. Caller commits."""
    now = now or now_utc()
    membership(campaign, organization)
    require_open(campaign, Level.organization, organization.id, now)
    submission = get_submission(campaign, organization, lock=True)
    _check_version(submission, organization, version)
    values = survey_results.merged_values(campaign, organization, values)  # survey fields follow the survey
    errors = check_values(values, complete=False)
    if errors:
        raise ValidationFailed("Данные не сохранены: исправьте ошибки в отмеченных полях.", errors)
    if submission is None:
        submission = _create_submission(campaign, organization, now)
    status = submission.status
    submission.transition_to(SubmissionStatus.draft)
    # the values it had come back from their delete: no read of their own
    before = {"status": status.value,
              "values": _shown_values(submission, organization, stored_values.replace(submission, values), status)}
    _record(submission, "saved", actor, now)
    log_action(actor, "submission.saved", "submission", f"{campaign.year}/{organization.code}", before=before,
               after={"status": submission.status.value, "values": values, "version": submission.version})
    return submission


def submit(campaign: Campaign, organization: Organization, *, actor: User, version: int | None = None,
           now: datetime | None = None) -> Submission:
    """Send a complete, valid submission to its reviewer. Caller commits."""
    now = now or now_utc()
    membership(campaign, organization)
    require_open(campaign, Level.organization, organization.id, now)
    submission = get_submission(campaign, organization, lock=True)
    _check_version(submission, organization, version)
    if submission is None:
        raise ValidationFailed("Отчёт пуст: заполните показатели и сохраните их перед отправкой.")
    _follow_surveys(campaign, organization, submission)
    errors = check_values(stored_values.of(submission), complete=True)
    if errors:
        raise ValidationFailed("Отчёт не отправлен: исправьте ошибки в отмеченных полях.", errors)
    submission.submitted_at = now  # before the transition: written by its UPDATE, not by a second one at commit
    _transition(submission, SubmissionStatus.submitted, "submitted", actor, now)
    return submission


def _transition(submission: Submission, new: SubmissionStatus, event: str, actor: User, now: datetime,
                comment: str | None = None, note: str | None = None) -> None:
    before = submission.status.value
    submission.transition_to(new)
    _record(submission, event, actor, now, comment)
    log_action(actor, f"submission.{event}", "submission",
               f"{submission.campaign.year}/{submission.organization.code}",
               before={"status": before}, after={"status": new.value, "version": submission.version},
               comment=comment)
    member = membership(submission.campaign, submission.organization)
    notifications.submission_event(submission, event, reporting_municipality_id=member.reporting_municipality_id,
                                   comment=comment, note=note, now=now)


def _reviewable(campaign: Campaign, organization: Organization, reviewer_level: Level, reviewer_unit_id: int,
                now: datetime) -> Submission:
    membership(campaign, organization)
    require_open(campaign, reviewer_level, reviewer_unit_id, now)
    submission = get_submission(campaign, organization, lock=True)
    if submission is None:
        raise InvalidTransition("Организация ещё не отправляла отчёт.")
    return submission


def reviewer_window(campaign: Campaign, organization: Organization) -> tuple[Level, int]:
    """Which window a review of this organization writes to: its municipality's or the region's."""
    member = membership(campaign, organization)
    if member.reporting_municipality_id is None:
        return Level.region, campaign.region_id
    return Level.municipality, member.reporting_municipality_id


def return_submission(campaign: Campaign, organization: Organization, comment: str, *, actor: User,
                      now: datetime | None = None) -> Submission:
    """Return a submitted report to the organization; the comment is mandatory. Caller commits."""
    now = now or now_utc()
    if not (comment or "").strip():
        raise ValidationFailed("Укажите, что нужно исправить: комментарий обязателен при возврате.",
                               {"comment": ["Комментарий обязателен."]})
    submission = _reviewable(campaign, organization, *reviewer_window(campaign, organization), now)
    submission.review_comment = comment.strip()
    submission.reviewed_at = now
    extension = late_return.grant_on_return(campaign, organization, actor=actor, now=now)
    _transition(submission, SubmissionStatus.returned, "returned", actor, now, comment.strip(),
                note=late_return.extension_note(campaign, extension))
    return submission


def accept(campaign: Campaign, organization: Organization, *, actor: User, now: datetime | None = None) -> Submission:
    """Accept a submitted report. Caller commits."""
    now = now or now_utc()
    submission = _reviewable(campaign, organization, *reviewer_window(campaign, organization), now)
    submission.reviewed_at = now
    _transition(submission, SubmissionStatus.accepted, "accepted", actor, now)
    return submission


def reopen(campaign: Campaign, organization: Organization, *, actor: User, comment: str | None = None,
           now: datetime | None = None) -> Submission:
    """Put an accepted report back into review (audited). Caller commits."""
    now = now or now_utc()
    submission = _reviewable(campaign, organization, *reviewer_window(campaign, organization), now)
    if submission.status is not SubmissionStatus.accepted:
        raise InvalidTransition("Переоткрыть можно только принятый отчёт.")
    _transition(submission, SubmissionStatus.submitted, "reopened", actor, now, (comment or "").strip() or None)
    return submission
