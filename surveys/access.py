"""Who sees and runs which survey (HOUSE_STYLE: one access module per domain, shared by web and API views).

A curator opens and closes the surveys of their own organization; whoever sees the organization sees its
surveys' counts. Under MIN_SHOWN respondents the percentage is shown to the region and the organization's curator only
(surveys.privacy), and the raw answers of such a survey are left out of every download but the region's.
"""
import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy import permissions as perms
from monitoring.models import CampaignMember
from registry.auth.models import Role, User
from registry.core.errors import NotFound
from registry.extensions import db
from surveys import privacy
from surveys.models import Survey, SurveyLink

MIN_SHOWN = privacy.MIN_SHOWN
NOT_CURATOR = "Открывать и закрывать опросы может только куратор этой организации."
OUT_OF_SCOPE = "Опрос вне вашей области доступа."


def survey_of_campaign(campaign: Campaign, survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or survey.campaign_id != campaign.id:
        raise NotFound("Опрос не найден в этой кампании.")
    return survey


def link_by_token(token: str) -> SurveyLink:
    link = db.session.scalar(sa.select(SurveyLink).where(SurveyLink.token == token)) if len(token) <= 64 else None
    if link is None:
        raise NotFound("Ссылка на анкету не найдена. Проверьте, что она скопирована целиком.")
    return link


def member_of(campaign: Campaign, organization_id: int) -> CampaignMember | None:
    return db.session.get(CampaignMember, (campaign.id, organization_id))


def can_run_surveys(user: User, organization_id: int) -> bool:
    return perms.can_edit_organization(user, organization_id)


def can_see_surveys(user: User, campaign: Campaign, member: CampaignMember) -> bool:
    return perms.can_see_organization(user, campaign.region_id, member.reporting_municipality_id,
                                   member.organization_id)


def can_see_pct(user: User, campaign: Campaign, respondents: int, organization_id: int) -> bool:
    """The survey's percentage: under 5 respondents only the region sees it, not even the organization's curator
    (PRODUCT.md §10); `organization_id` is kept for the callers' symmetry with the other rules."""
    return privacy.shows(user, campaign, privacy.small_respondents(respondents))


def is_officer(user: User) -> bool:
    return user.role in (Role.admin, Role.region_operator, Role.municipal_official)


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
