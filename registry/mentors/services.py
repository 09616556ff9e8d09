"""Mentor use-cases: invitation, the quarterly report's workflow, the year-end evaluation. Each mutates, flushes and
audits; the request boundary commits once."""
import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from registry.auth import links
from registry.auth.models import MAX_EMAIL_LENGTH, Role, User
from registry.auth.passwords import hash_password
from registry.core.audit import log_action
from registry.core.db import for_update
from registry.core.errors import InvalidTransition, ValidationFailed
from registry.extensions import db
from registry.mentoring.models import Mentor
from registry.mentors.models import QuarterlyReport, ReportStatus, YearEvaluation
from registry.mentors.vocab import CRITERIA, QUARTER_NAMES, REPORT_PARTS, SCALE, quarter_of

REPORT_FIELDS = {"done": "Что сделано", "results": "Результаты", "problems": "Проблемы и трудности"}
MAX_TEXT = 20_000
EDITABLE = (ReportStatus.draft, ReportStatus.returned)


def invite(mentor: Mentor, email: str, *, actor: User, now: datetime) -> User:
    """Create (or reuse) the mentor's account and e-mail it a single-use invitation link."""
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > MAX_EMAIL_LENGTH:
        raise ValidationFailed("Приглашение не отправлено.", {"email": ["Укажите адрес электронной почты наставника."]})
    if mentor.left_on is not None:
        raise InvalidTransition("Наставник выбыл из программы: приглашать его нельзя.")
    user = db.session.scalar(sa.select(User).where(User.mentor_id == mentor.id))
    taken = db.session.scalar(sa.select(User.id).where(User.email == email))
    if taken is not None and (user is None or taken != user.id):
        raise ValidationFailed("Приглашение не отправлено.",
                               {"email": ["Этот адрес уже занят другой учётной записью."]})
    if user is None:
        # an unusable random password until the mentor sets one through the link
        user = User(email=email, full_name=mentor.full_name, role=Role.mentor, organization_id=mentor.organization_id,
                    mentor_id=mentor.id, password_hash=hash_password(secrets.token_urlsafe(32)))
        db.session.add(user)
        db.session.flush()
    elif not user.is_enabled:
        raise InvalidTransition("Учётная запись наставника отключена администратором.")
    else:
        user.email = email
    log_action(actor, "mentor.invited", "mentor", mentor.id, after={"email": email, "user_id": user.id})
    links.issue(user, "invitation", actor=actor, now=now)
    return user


def _period(year: int, quarter: int, today: date) -> None:
    if quarter not in QUARTER_NAMES or not 2000 <= year <= today.year or (year, quarter) > (today.year,
                                                                                         quarter_of(today)):
        raise ValidationFailed("Отчёт не сохранён.", {"quarter": ["Отчёт пишется за прошедший или текущий квартал."]})


def _locked(mentor_id: int, year: int, quarter: int) -> QuarterlyReport | None:
    return db.session.scalar(for_update(db.session, sa.select(QuarterlyReport).where(
        QuarterlyReport.mentor_id == mentor_id, QuarterlyReport.year == year, QuarterlyReport.quarter == quarter)))


def local_today(user: User, now: datetime) -> date:
    """Today in the region of the mentor's organization (quarters turn at local midnight)."""
    return now.astimezone(ZoneInfo(user.organization.region.timezone)).date()


def save_report(user: User, year: int, quarter: int, form: dict, *, submit: bool, now: datetime) -> QuarterlyReport:
    """Save the mentor's report as a draft, or submit it to the curator (all three parts then required)."""
    _period(year, quarter, local_today(user, now))
    data = {name: (form.get(name) or "").strip() for name in REPORT_FIELDS}
    errors = {name: [f"Не длиннее {MAX_TEXT} символов."] for name, text in data.items() if len(text) > MAX_TEXT}
    if submit:
        errors.update({name: [f"Заполните поле «{label}»."] for name, label in REPORT_FIELDS.items()
                       if not data[name] and name not in errors})
    if errors:
        raise ValidationFailed("Отчёт не отправлен." if submit else "Отчёт не сохранён.", errors)
    report = _locked(user.mentor_id, year, quarter)
    if report is None:
        report = QuarterlyReport(mentor_id=user.mentor_id, year=year, quarter=quarter, status=ReportStatus.draft,
                                 updated_at=now, review_comment="")
        db.session.add(report)
    elif report.status not in EDITABLE:
        raise InvalidTransition("Отчёт уже у куратора или принят: изменить его нельзя.")
    before = report.status.value if report.id else None
    for name, text in data.items():
        setattr(report, name, text)
    report.updated_at = now
    if submit:
        report.status, report.submitted_at = ReportStatus.submitted, now
    db.session.flush()
    log_action(user, "mentor_report.submitted" if submit else "mentor_report.saved", "mentor_report", report.id,
               before={"status": before}, after={"status": report.status.value, "year": year, "quarter": quarter})
    return report


def review(report: QuarterlyReport, accept: bool, comment: str, *, actor: User, now: datetime) -> None:
    """The curator accepts a submitted report, or returns it with a comment for the mentor to fix."""
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationFailed("Отчёт не возвращён.", {"comment": ["Напишите, что исправить."]})
    if len(comment) > MAX_TEXT:
        raise ValidationFailed("Отчёт не возвращён.", {"comment": [f"Не длиннее {MAX_TEXT} символов."]})
    locked = db.session.scalar(for_update(db.session, sa.select(QuarterlyReport).where(
        QuarterlyReport.id == report.id)))
    if locked.status is not ReportStatus.submitted:
        raise InvalidTransition("Отчёт не на проверке: принять или вернуть можно только отправленный отчёт.")
    locked.status = ReportStatus.accepted if accept else ReportStatus.returned
    locked.review_comment = "" if accept else comment
    locked.reviewed_at, locked.reviewed_by_id, locked.updated_at = now, actor.id, now
    db.session.flush()
    log_action(actor, "mentor_report.accepted" if accept else "mentor_report.returned", "mentor_report", locked.id,
               before={"status": ReportStatus.submitted.value}, after={"status": locked.status.value},
               comment=comment or None)


def save_evaluation(mentor: Mentor, year: int, form: dict, *, actor: User, now: datetime) -> YearEvaluation:
    """Record the year-end formalized report and the §5.3 criteria scores (filled by the curator with the mentor)."""
    errors, scores = {}, {}
    if not 2000 <= year <= now.year:
        errors["year"] = ["Оценка заполняется за прошедший или текущий год."]
    for code, label in CRITERIA.items():
        raw = (form.get(f"score_{code}") or "").strip()
        if not raw.isdigit() or int(raw) not in SCALE:
            errors[f"score_{code}"] = [f"Выберите оценку по критерию «{label}»."]
        else:
            scores[code] = int(raw)
    texts = {name: (form.get(name) or "").strip() for name in REPORT_PARTS}
    errors.update({name: [f"Не длиннее {MAX_TEXT} символов."] for name, text in texts.items() if len(text) > MAX_TEXT})
    if errors:
        raise ValidationFailed("Оценка не сохранена.", errors)
    found = db.session.scalar(for_update(db.session, sa.select(YearEvaluation).where(
        YearEvaluation.mentor_id == mentor.id, YearEvaluation.year == year)))
    before = {"scores": found.scores} if found else None
    values = {"scores": scores, "filled_by_id": actor.id, "updated_at": now, **texts}
    if found is None:
        found = YearEvaluation(mentor_id=mentor.id, year=year, **values)
        db.session.add(found)
    else:
        for name, value in values.items():
            setattr(found, name, value)
    db.session.flush()
    log_action(actor, "mentor_evaluation.saved", "mentor", mentor.id, before=before,
               after={"year": year, "scores": scores})
    return found
