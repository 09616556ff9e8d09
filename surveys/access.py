"""Who sees and runs which survey, in one place for the pages and the API (issue 17 part 1; exports.access shape).

Loaders raise NotFound (an unknown id or link, or a survey of another campaign) and PermissionDenied (out of
scope); `can_*` are predicates; `visible_surveys` builds the scoped list query.

A curator opens and closes the surveys of their own organization and prints their QR sheets; whoever sees the
organization sees its surveys' counts; officers (municipality, region) download the anonymous answers of their
scope. Under MIN_SHOWN respondents the percentage is shown to the region only (surveys.privacy), and the raw answers
of such a survey are left out of every download but the region's.
"""
import sqlalchemy as sa

from deadlines.models import Campaign
from exports.access import authorized_unit
from hierarchy import permissions as perms
from hierarchy.models import Unit
from monitoring.models import CampaignMember
from registry.auth.models import Role, User
from registry.core.db import for_update
from registry.core.errors import NotFound
from registry.core.permissions import require
from registry.extensions import db
from surveys import privacy
from surveys.models import Survey, SurveyLink

MIN_SHOWN = privacy.MIN_SHOWN
NOT_CURATOR = "Открывать и закрывать опросы может только куратор этой организации."
OUT_OF_SCOPE = "Опрос вне вашей области доступа."
OFFICERS_ONLY = "Ответы опросов выгружают муниципалитет и регион."
UNKNOWN_LINK = "Ссылка на анкету не найдена. Проверьте, что она скопирована целиком."


# --- predicates ---------------------------------------------------------------------------------------------

def can_run_surveys(user: User, organization_id: int) -> bool:
    """Open, close, add links, print the QR sheet: the organization's curator."""
    return perms.can_edit_organization(user, organization_id)


def can_see_surveys(user: User, campaign: Campaign, member: CampaignMember | None) -> bool:
    """The organization's surveys and their counts: whoever sees the organization in this campaign."""
    return member is not None and perms.can_see_organization(user, campaign.region_id,
                                                             member.reporting_municipality_id, member.organization_id)


def can_see_pct(user: User, campaign: Campaign, respondents: int, organization_id: int) -> bool:
    """The survey's percentage: under 5 respondents only the region sees it, not even the organization's curator
    (PRODUCT.md §10); `organization_id` is kept for the callers' symmetry with the other rules."""
    return privacy.shows(user, campaign, privacy.small_respondents(respondents))


def can_download_answers(user: User) -> bool:
    """The anonymous answers: officers (municipality, region), each for the units of their scope."""
    return user.role in (Role.admin, Role.region_operator, Role.municipal_official)


# --- list queries -------------------------------------------------------------------------------------------

def visible_surveys(user: User, campaign: Campaign) -> sa.Select:
    """The campaign's surveys the user sees: region staff all; a municipality its organizations; a curator its own."""
    query = (sa.select(Survey).join(CampaignMember, sa.and_(CampaignMember.campaign_id == Survey.campaign_id,
                                                           CampaignMember.organization_id == Survey.organization_id))
             .where(Survey.campaign_id == campaign.id))
    if perms.can_see_region(user, campaign.region_id):
        return query
    if user.role is Role.municipal_official:
        return query.where(CampaignMember.reporting_municipality_id == user.municipality_id)
    if user.role is Role.org_curator:
        return query.where(Survey.organization_id == user.organization_id)
    return query.where(sa.false())


# --- loaders ------------------------------------------------------------------------------------------------

def survey_of_campaign(campaign: Campaign, survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id) if 0 < survey_id < 2**31 else None  # beyond an INTEGER column
    if survey is None or survey.campaign_id != campaign.id:
        raise NotFound("Опрос не найден в этой кампании.")
    return survey


def link_by_token(token: str, *, lock: bool = False) -> SurveyLink:
    """The one-time link of a respondent's URL; `lock`: read it locked, to spend it (surveys.services.answer)."""
    query = sa.select(SurveyLink).where(SurveyLink.token == token)
    link = db.session.scalar(for_update(db.session, query) if lock else query) if len(token) <= 64 else None
    if link is None:
        raise NotFound(UNKNOWN_LINK)
    return link


def member_of(campaign: Campaign, organization_id: int) -> CampaignMember | None:
    return db.session.get(CampaignMember, (campaign.id, organization_id))


def require_seeing_surveys(user: User, campaign: Campaign, member: CampaignMember | None) -> None:
    require(can_see_surveys(user, campaign, member), OUT_OF_SCOPE)


def require_running_surveys(user: User, organization_id: int) -> None:
    require(can_run_surveys(user, organization_id), NOT_CURATOR)


def viewable_survey(user: User, campaign: Campaign, survey_id: int) -> Survey:
    """A survey of the campaign whose organization the user sees (404 unknown, 403 out of scope)."""
    survey = survey_of_campaign(campaign, survey_id)
    require_seeing_surveys(user, campaign, member_of(campaign, survey.organization_id))
    return survey


def runnable_survey(user: User, campaign: Campaign, survey_id: int, organization_id: int | None = None) -> Survey:
    """A survey of the campaign the user may close or print (404 unknown, 403 not its curator); `organization_id`:
    the organization the URL names, which the survey must belong to."""
    survey = survey_of_campaign(campaign, survey_id)
    require(organization_id is None or survey.organization_id == organization_id, OUT_OF_SCOPE)
    require_running_surveys(user, survey.organization_id)
    return survey


def answers_unit(user: User, campaign: Campaign, code: str) -> Unit:
    """The unit whose anonymous answers the user downloads: an officer's, within their scope (403), known (404)."""
    require(can_download_answers(user), OFFICERS_ONLY)
    unit, _ = authorized_unit(user, campaign, code)
    return unit
