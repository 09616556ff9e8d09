"""Who is told when the other side acts on a report, and what they are told (in the app and by e-mail).

Each event notifies the people who must act next: a submitted report its reviewers, a returned, accepted or
reopened one the people who sent it. Every notification names its cause (`cause_key`), so a retried or doubled
event tells nobody twice (registry.notify.services.notify). Called by the services, inside their transaction.
"""
from datetime import datetime
from functools import cache

import sqlalchemy as sa

from deadlines.messages import path
from deadlines.models import Campaign
from hierarchy.models import Municipality, Organization
from monitoring.models import MunicipalReport, Submission
from registry.auth.models import Role, User
from registry.notify.services import Message, notify_selected


@cache
def _users_query(role: Role, unit: str | None) -> sa.Select:
    """The enabled users of a role (of one unit: `unit` names the User column), built once: a bind parameter holds
    the unit's id, so every workflow event reuses the statement and its cache key."""
    query = sa.select(User).where(User.is_enabled.is_(True), User.role == role).order_by(User.id)
    return query.where(getattr(User, unit) == sa.bindparam("unit_id")) if unit else query


def _selection(role: Role, unit: str | None = None, unit_id: int | None = None) -> tuple[sa.Select, dict]:
    """The users of a role (of one unit) as a query and its parameters: notify_selected reads them with their
    notification flags in one statement."""
    return _users_query(role, unit), ({"unit_id": unit_id} if unit else {})


def curators(organization: Organization) -> tuple[sa.Select, dict]:
    return _selection(Role.org_curator, "organization_id", organization.id)


def officials(municipality_id: int) -> tuple[sa.Select, dict]:
    return _selection(Role.municipal_official, "municipality_id", municipality_id)


def operators(region_id: int) -> tuple[sa.Select, dict]:
    return _selection(Role.region_operator, "region_id", region_id)


def reviewers(campaign: Campaign, municipality_id: int | None) -> tuple[sa.Select, dict]:
    """Who reviews an organization: its reporting municipality's officials, or the regional operators."""
    return officials(municipality_id) if municipality_id is not None else operators(campaign.region_id)


def _args(campaign: Campaign) -> dict:
    return {"region_code": campaign.region.code, "year": campaign.year}


def _tell(users: tuple[sa.Select, dict], kind: str, subject: str, text: str, link: str, cause_key: str,
          now: datetime) -> int:
    return notify_selected(*users, Message(kind=kind, subject=subject, summary=text, template="workflow",
                                           context={"text": text}, link=link, cause_key=cause_key), now=now)


def submission_event(submission: Submission, event: str, *, reporting_municipality_id: int | None,
                     comment: str | None, now: datetime, note: str | None = None) -> int:
    """Tell the other side of an organization report's `event` (submitted / returned / accepted / reopened)."""
    campaign, org = submission.campaign, submission.organization
    link = path("submissions.submission_edit", org_code=org.code, **_args(campaign))
    name = f"«{org.name}»"
    if event == "submitted":
        users = reviewers(campaign, reporting_municipality_id)
        subject = f"Отчёт на проверку: {org.name}"
        text = (f"Организация {name} отправила отчёт за {campaign.year} год на проверку. "
                "Примите его или верните с комментарием.")
    elif event == "returned":
        users = curators(org)
        subject = f"Отчёт возвращён на доработку: {org.name}"
        text = f"Отчёт {name} за {campaign.year} год возвращён на доработку. Комментарий проверяющего: {comment}"
    elif event == "accepted":
        users = curators(org)
        subject = f"Отчёт принят: {org.name}"
        text = f"Отчёт {name} за {campaign.year} год принят проверяющим."
    elif event == "reopened":
        users = curators(org)
        subject = f"Принятый отчёт снова на проверке: {org.name}"
        text = f"Проверяющий переоткрыл принятый отчёт {name} за {campaign.year} год: он снова на проверке."
        if comment:
            text += f" Комментарий: {comment}"
    else:
        return 0
    if note:
        text += " " + note
    return _tell(users, f"submission-{event}", subject, text, link,
                 f"submission:{submission.id}:v{submission.version}:{event}", now)


def report_event(report: MunicipalReport, campaign: Campaign, municipality: Municipality, event: str, *,
                 comment: str | None, now: datetime, note: str | None = None) -> int:
    """Tell the other side of a municipal report's `event` (submitted / returned / accepted)."""
    link = path("reports.municipal_report_view", municipality_code=municipality.code, **_args(campaign))
    name = f"«{municipality.name}»"
    if event == "submitted":
        users = operators(campaign.region_id)
        subject = f"Муниципальный отчёт на проверку: {municipality.name}"
        text = f"Муниципалитет {name} отправил отчёт за {campaign.year} год в регион. Примите его или верните."
    elif event == "returned":
        users = officials(municipality.id)
        subject = f"Муниципальный отчёт возвращён на доработку: {municipality.name}"
        text = (f"Отчёт муниципалитета {name} за {campaign.year} год возвращён на доработку. "
                f"Комментарий регионального оператора: {comment}")
    elif event == "accepted":
        users = officials(municipality.id)
        subject = f"Муниципальный отчёт принят: {municipality.name}"
        text = f"Отчёт муниципалитета {name} за {campaign.year} год принят региональным оператором."
    else:
        return 0
    if note:
        text += " " + note
    at = (report.reviewed_at if event != "submitted" else report.submitted_at) or now
    return _tell(users, f"report-{event}", subject, text, link,
                 f"municipal-report:{report.id}:{event}:{at.isoformat()}", now)
