"""Who may see and act on mentors' own pages, quarterly reports and year-end evaluations.

A mentor account sees only the pairs its mentor record currently belongs to (their programmes and plans, and the
mentees' names), and its own reports. The organization's curator invites mentors, reviews their reports and fills
the evaluation; whoever sees the organization's records reads the evaluations. Loaders raise NotFound for what is
outside the caller's reach, so another mentor's pair answers exactly like a missing one.
"""
import sqlalchemy as sa

from hierarchy.models import Organization
from hierarchy.permissions import can_edit_organization, can_see_organization
from registry.auth.models import Role, User
from registry.core.errors import NotFound
from registry.extensions import db
from registry.mentoring.models import Mentor, MentoringPair, PairMentor
from registry.mentors.models import QuarterlyReport, YearEvaluation
from registry.programmes.models import PlanItem

#: The endpoints a mentor account may open: its own pages, signing in and out, its own password, notifications,
#: public pages and the region's emblem.
MENTOR_BLUEPRINTS = {"mentor", "auth", "password_links", "account", "notifications", "public", "public_api",
                     "survey_answer", "identity", "api-docs", "auth_api"}
MENTOR_ENDPOINTS = {"home.index", "static", "calendar.feed", "surveys_api.questionnaire", "surveys_api.answer"}


def is_mentor(user: User) -> bool:
    return user.is_authenticated and user.role is Role.mentor


def mentor_may_open(endpoint: str | None) -> bool:
    if endpoint is None:
        return True  # 404 for an unknown path
    return endpoint in MENTOR_ENDPOINTS or endpoint.split(".", 1)[0] in MENTOR_BLUEPRINTS


def own_pairs(user: User) -> sa.Select:
    """The pairs the mentor currently belongs to, in the mentor's organization, by start date."""
    return (sa.select(MentoringPair).join(PairMentor, PairMentor.pair_id == MentoringPair.id)
            .where(PairMentor.mentor_id == user.mentor_id, PairMentor.left_on.is_(None),
                   MentoringPair.organization_id == user.organization_id)
            .order_by(MentoringPair.start_on, MentoringPair.id))


def own_pair(user: User, pair_id: int) -> MentoringPair:
    found = db.session.scalar(own_pairs(user).where(MentoringPair.id == pair_id))
    if found is None:
        raise NotFound("Такой пары среди ваших нет.")
    return found


def own_plan_item(pair: MentoringPair, item_id: int) -> PlanItem:
    found = db.session.get(PlanItem, item_id)
    if found is None or found.pair_id != pair.id:
        raise NotFound("Такого пункта плана нет.")
    return found


def own_report(user: User, year: int, quarter: int) -> QuarterlyReport | None:
    return db.session.scalar(sa.select(QuarterlyReport).where(
        QuarterlyReport.mentor_id == user.mentor_id, QuarterlyReport.year == year, QuarterlyReport.quarter == quarter))


def own_reports(user: User) -> sa.Select:
    return (sa.select(QuarterlyReport).where(QuarterlyReport.mentor_id == user.mentor_id)
            .order_by(QuarterlyReport.year.desc(), QuarterlyReport.quarter.desc()))


# --- the organization's side ---


def org_mentor(org: Organization, mentor_id: int) -> Mentor:
    found = db.session.get(Mentor, mentor_id)
    if found is None or found.organization_id != org.id:
        raise NotFound("Такого наставника в организации нет.")
    return found


def org_report(org: Organization, report_id: int) -> QuarterlyReport:
    found = db.session.get(QuarterlyReport, report_id)
    if found is None or found.mentor.organization_id != org.id:
        raise NotFound("Такого отчёта в организации нет.")
    return found


def can_manage_mentors(user: User, org: Organization) -> bool:
    """Invite mentors, review their reports, fill their evaluations: the organization's curator."""
    return can_edit_organization(user, org.id)


def can_view_evaluations(user: User, org: Organization) -> bool:
    return can_see_organization(user, org.region_id, org.reporting_municipality_id, org.id)


def reports_of(org: Organization) -> sa.Select:
    """The organization's mentors' reports, newest quarter first, then by mentor name."""
    return (sa.select(QuarterlyReport).join(Mentor, Mentor.id == QuarterlyReport.mentor_id)
            .where(Mentor.organization_id == org.id)
            .order_by(QuarterlyReport.year.desc(), QuarterlyReport.quarter.desc(), Mentor.full_name))


def evaluations_of(mentor: Mentor) -> list[YearEvaluation]:
    return list(db.session.scalars(sa.select(YearEvaluation).where(YearEvaluation.mentor_id == mentor.id)
                                   .order_by(YearEvaluation.year.desc())))


def evaluation(mentor: Mentor, year: int) -> YearEvaluation | None:
    return db.session.scalar(sa.select(YearEvaluation).where(YearEvaluation.mentor_id == mentor.id,
                                                             YearEvaluation.year == year))


def account_of(mentor: Mentor) -> User | None:
    return db.session.scalar(sa.select(User).where(User.mentor_id == mentor.id))
