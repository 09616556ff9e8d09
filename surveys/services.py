"""Survey use-cases: open (with links), close, answer. Validate → mutate → flush (→ audit); the view commits.

Answers are never audited: an audit row carries the client address and time, which would tie an answer to
the person who sent it. Opening and closing are audited as usual.
"""
import secrets
from datetime import datetime

import sqlalchemy as sa

from deadlines.models import Campaign, Extension
from deadlines.windows import active_extension, is_open, require_open
from hierarchy.models import Level, Organization
from monitoring.services import membership
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.core.errors import DomainError, ValidationFailed, WindowClosed
from registry.extensions import db
from registry.mentoring.queries import counts_from_records, has_records
from surveys import access, questionnaires
from surveys.models import Survey, SurveyAnswer, SurveyLink

MAX_LINKS = 2000
CLOSED = "Опрос закрыт: ответы больше не принимаются. Спасибо за желание помочь!"


class AlreadyAnswered(DomainError):
    status = 409
    code = "already_answered"


def survey_for(campaign: Campaign, organization: Organization, kind: str) -> Survey | None:
    return db.session.scalar(sa.select(Survey).where(Survey.campaign_id == campaign.id,
                                                     Survey.organization_id == organization.id, Survey.kind == kind))


def participants(organization: Organization, year: int, kind: str) -> int:
    """How many mentees (or mentors) the organization's records count for the year; 0 without records."""
    if not has_records(organization):
        return 0
    counts = counts_from_records(organization, year)
    if kind == "mentor":
        return counts["mentors_total"]
    return counts["mentees_students"] + counts["teachers_young_supported"]


def is_accepting(survey: Survey, now: datetime) -> bool:
    """Open until the curator closes it or the organization's window closes (an extension keeps it open)."""
    return survey.closed_at is None and is_open(survey.campaign, Level.organization, survey.organization_id, now)


def closes_at(survey: Survey, now: datetime) -> datetime:
    """When the survey stops taking answers unless closed earlier: the window's end, or a later extension's."""
    return window(survey.campaign, survey.closed_at,
                  active_extension(survey.campaign, Level.organization, survey.organization_id, now), now)[1]


def window(campaign: Campaign, closed_at: datetime | None, extension: Extension | None,
           now: datetime) -> tuple[bool, datetime]:
    """(accepting answers, closes at) of a survey of the campaign, with its organization's active extension (or
    None) already loaded, as `active_extensions` loads them for a list."""
    deadline = campaign.deadline_of(Level.organization)
    return (closed_at is None and (now < deadline or extension is not None),
            max(deadline, extension.until) if extension else deadline)


def active_extensions(campaign: Campaign, organization_ids: list[int] | sa.Select,
                      now: datetime) -> dict[int, Extension]:
    """The latest-ending active extension of each of these organizations that has one, in one query."""
    found = db.session.scalars(sa.select(Extension).where(
        Extension.campaign_id == campaign.id, Extension.level == Level.organization,
        Extension.unit_id.in_(organization_ids), Extension.revoked_at.is_(None), Extension.until > now)
        .order_by(Extension.until)).all()
    return {e.unit_id: e for e in found}  # ordered by end: the latest-ending one of a unit wins


def open_survey(campaign: Campaign, organization: Organization, kind: str, links: int | None, *, actor: User,
                now: datetime | None = None) -> tuple[Survey, list[str]]:
    """Open the organization's survey of `kind` (or reopen and extend it) with new one-time links."""
    now = now or now_utc()
    membership(campaign, organization)
    if kind not in questionnaires.KINDS:
        raise ValidationFailed("Неизвестный вид опроса.", {"kind": ["Укажите mentee или mentor."]})
    require_open(campaign, Level.organization, organization.id, now)
    if links is None:
        links = participants(organization, campaign.year, kind)
        if links == 0:
            raise ValidationFailed("В учёте организации нет участников этого вида: укажите число ссылок.",
                                   {"links": ["Укажите число ссылок."]})
    if not 1 <= links <= MAX_LINKS:
        raise ValidationFailed("Число ссылок вне допустимого диапазона.",
                               {"links": [f"Укажите число от 1 до {MAX_LINKS}."]})
    survey = survey_for(campaign, organization, kind)
    before = None
    if survey is None:
        survey = Survey(campaign_id=campaign.id, organization_id=organization.id, kind=kind, opened_at=now,
                        questionnaire_version=questionnaires.questionnaire(kind).version,
                        opened_by_id=getattr(actor, "id", None))
        db.session.add(survey)
        db.session.flush()
    else:
        before = {"closed": survey.closed_at is not None}
        survey.closed_at = None
    tokens = [secrets.token_urlsafe(18) for _ in range(links)]
    db.session.execute(sa.insert(SurveyLink), [{"survey_id": survey.id, "token": t, "used": False} for t in tokens])
    log_action(actor, "survey.opened", "survey", f"{campaign.year}/{organization.code}/{kind}", before=before,
               after={"id": survey.id, "links_added": links})
    return survey, tokens


def close_survey(survey: Survey, *, actor: User, now: datetime | None = None) -> Survey:
    now = now or now_utc()
    if survey.closed_at is not None:
        raise ValidationFailed("Опрос уже закрыт.")
    survey.closed_at = now
    db.session.flush()
    log_action(actor, "survey.closed", "survey",
               f"{survey.campaign.year}/{survey.organization.code}/{survey.kind}", after={"id": survey.id})
    return survey


def questionnaire_of(link: SurveyLink, now: datetime | None = None) -> tuple[Survey, questionnaires.Questionnaire]:
    """The questionnaire a link opens, or the reason it cannot be answered (409 used, 423 closed)."""
    survey = db.session.get(Survey, link.survey_id)
    if link.used:
        raise AlreadyAnswered("По этой ссылке уже ответили: каждая ссылка принимает один ответ.")
    if not is_accepting(survey, now or now_utc()):
        raise WindowClosed(CLOSED)
    return survey, questionnaires.questionnaire(survey.kind)


def answer(token: str, raw_answers, now: datetime | None = None) -> SurveyAnswer:
    """Store one anonymous answer and spend the link, atomically: of two concurrent answers one wins."""
    # the link is read locked (PostgreSQL: the row; SQLite: the write lock), so a concurrent answer waits here and
    # then finds the link spent
    link = access.link_by_token(token, lock=True)
    survey, questionnaire = questionnaire_of(link, now)
    clean, errors = questionnaires.check_answers(questionnaire, raw_answers)
    if errors:
        raise ValidationFailed("Ответ не сохранён: проверьте отмеченные вопросы.", errors)
    spent = db.session.execute(sa.update(SurveyLink).where(SurveyLink.id == link.id, SurveyLink.used.is_(False))
                               .values(used=True).execution_options(synchronize_session=False))
    if spent.rowcount != 1:
        raise AlreadyAnswered("По этой ссылке уже ответили: каждая ссылка принимает один ответ.")
    row = SurveyAnswer(survey_id=survey.id, answers=clean, score=questionnaires.score(questionnaire, clean))
    db.session.add(row)
    db.session.flush()
    return row


def unused_links(survey: Survey) -> list[str]:
    """The survey's links not yet answered, in the order they were made (for the QR sheet and the curator's list)."""
    return list(db.session.scalars(sa.select(SurveyLink.token).where(
        SurveyLink.survey_id == survey.id, SurveyLink.used.is_(False)).order_by(SurveyLink.id)))
