"""Who sees and runs which survey (HOUSE_STYLE: one access module per domain, shared by web and API views).

A curator opens and closes the surveys of their own organization; whoever sees the organization sees its
surveys' counts. Under MIN_SHOWN respondents the percentage is shown to the region only (PRODUCT.md §10),
and the raw answers of such a survey are left out of every download but the region's.
"""
import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy import permissions as perms
from monitoring.models import CampaignMember
from registry.auth.models import Role, User
from registry.core.errors import NotFound
from registry.extensions import db
from surveys.models import Survey, SurveyLink

#: Fewer respondents than this: the organization's percentage is hidden from all but the region.
MIN_SHOWN = 5
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
    return perms.edits_organization(user, organization_id)


def can_see_surveys(user: User, campaign: Campaign, member: CampaignMember) -> bool:
    return perms.sees_organization(user, campaign.region_id, member.reporting_municipality_id,
                                   member.organization_id)


def can_see_pct(user: User, campaign: Campaign, respondents: int) -> bool:
    """The percentage of MIN_SHOWN respondents or more for whoever sees the survey; under it, the region only."""
    return respondents >= MIN_SHOWN or perms.sees_region(user, campaign.region_id)


def is_officer(user: User) -> bool:
    return user.role in (Role.admin, Role.region_operator, Role.municipal_official)


def visible_surveys(user: User, campaign: Campaign) -> sa.Select:
    """The campaign's surveys the user sees: region staff all; a municipality its organizations; a curator its own."""
    query = (sa.select(Survey).join(CampaignMember, sa.and_(CampaignMember.campaign_id == Survey.campaign_id,
                                                           CampaignMember.organization_id == Survey.organization_id))
             .where(Survey.campaign_id == campaign.id))
    if perms.sees_region(user, campaign.region_id):
        return query
    if user.role is Role.municipal_official:
        return query.where(CampaignMember.reporting_municipality_id == user.municipality_id)
    if user.role is Role.org_curator:
        return query.where(Survey.organization_id == user.organization_id)
    return query.where(sa.false())
