"""Opening and editing campaigns, membership, targets. Validate → mutate → flush → audit; callers commit."""
from datetime import UTC, datetime

import sqlalchemy as sa

from deadlines.models import Campaign
from deadlines.windows import default_deadlines
from hierarchy.models import Organization, Region
from monitoring.indicators import INDICATOR_BY_CODE
from monitoring.models import CampaignMember, IndicatorTarget
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.core.errors import InvalidTransition, NotFound, ValidationFailed
from registry.extensions import db

DEADLINE_KEYS = {"organization": "organization_deadline", "municipality": "municipality_deadline",
                 "region": "region_deadline", "federal": "federal_deadline"}


#: The longest automatic extension a late return may grant (deadlines.late_return).
MAX_LATE_RETURN_DAYS = 60


def get_campaign(region: Region, year: int) -> Campaign:
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.region_id == region.id, Campaign.year == year))
    if campaign is None:
        raise NotFound(f"Кампания {year} года для региона {region.code} не открыта.")
    return campaign


def deadlines_of(campaign: Campaign) -> dict[str, str]:
    return {key: getattr(campaign, attr).isoformat() for key, attr in DEADLINE_KEYS.items()} | {
        "forum": campaign.forum_at.isoformat()}


def open_campaign(region: Region, year: int, *, actor: User, now: datetime | None = None) -> Campaign:
    """Open the year's campaign with the default calendar; fix its membership from the current hierarchy."""
    now = now or now_utc()
    if not 2000 <= year <= 2100:
        raise ValidationFailed("Год кампании вне допустимого диапазона.", {"year": ["Укажите год от 2000 до 2100."]})
    if db.session.scalar(sa.select(Campaign.id).where(Campaign.region_id == region.id, Campaign.year == year)):
        raise InvalidTransition(f"Кампания {year} года уже открыта.")
    campaign = Campaign(region_id=region.id, year=year, opened_by_id=getattr(actor, "id", None), created_at=now,
                        **default_deadlines(year, region.timezone))
    db.session.add(campaign)
    db.session.flush()
    orgs = sa.select(Organization.id, Organization.reports_to, Organization.location_municipality_id,
                     Organization.org_type).where(Organization.region_id == region.id)
    db.session.execute(sa.insert(CampaignMember), [
        {"campaign_id": campaign.id, "organization_id": org_id, "org_type": org_type, "added_at": now,
         "reporting_municipality_id": location if reports_to.value == "municipality" else None}
        for org_id, reports_to, location, org_type in db.session.execute(orgs)
    ] or [])
    count = db.session.scalar(sa.select(sa.func.count()).where(CampaignMember.campaign_id == campaign.id))
    log_action(actor, "campaign.opened", "campaign", f"{region.code}/{year}",
               after={"members": count, **deadlines_of(campaign)})
    return campaign


def update_campaign(campaign: Campaign, *, deadlines: dict[str, datetime] | None = None,
                    enterprises_in_region_total: int | None = None, targets: dict[str, float] | None = None,
                    late_return_days: int | None = None, actor: User) -> Campaign:
    """Change deadlines, the R9 denominator, targets or the late-return extension days. Caller commits."""
    errors: dict[str, list[str]] = {}
    before = {**deadlines_of(campaign), "enterprises_in_region_total": campaign.enterprises_in_region_total,
              "late_return_days": campaign.late_return_days}
    for key, value in (deadlines or {}).items():
        if key not in DEADLINE_KEYS:
            known = ", ".join(DEADLINE_KEYS)
            errors.setdefault("deadlines", []).append(f"Неизвестный срок «{key}»: допустимы {known}.")
        elif value.tzinfo is None:
            errors.setdefault("deadlines", []).append(f"Срок «{key}» должен содержать часовой пояс (ISO-8601).")
    for code, value in (targets or {}).items():
        if code not in INDICATOR_BY_CODE or not 0 <= value <= 100:
            errors.setdefault("targets", []).append(f"Цель «{code}»: нужен код показателя и процент от 0 до 100.")
    if enterprises_in_region_total is not None and enterprises_in_region_total < 0:
        errors["enterprises_in_region_total"] = ["Число предприятий не может быть отрицательным."]
    if late_return_days is not None and not 1 <= late_return_days <= MAX_LATE_RETURN_DAYS:
        errors["late_return_days"] = [f"Нужно целое число дней от 1 до {MAX_LATE_RETURN_DAYS}."]
    if errors:
        raise ValidationFailed("Кампания не изменена: исправьте ошибки.", errors)
    proposed = {attr: getattr(campaign, attr) for attr in DEADLINE_KEYS.values()}
    proposed.update({DEADLINE_KEYS[key]: value for key, value in (deadlines or {}).items()})
    if not proposed["organization_deadline"] <= proposed["municipality_deadline"] <= proposed["region_deadline"]:
        raise ValidationFailed("Сроки должны идти по порядку: организации → муниципалитеты → регион.",
                               {"deadlines": ["Срок организаций ≤ срок муниципалитетов ≤ срок региона."]})
    for attr, value in proposed.items():
        setattr(campaign, attr, value.astimezone(UTC))  # as the database gives it back: the answer is built unreloaded
    if enterprises_in_region_total is not None:
        campaign.enterprises_in_region_total = enterprises_in_region_total
    if late_return_days is not None:
        campaign.late_return_days = late_return_days
    for code, value in (targets or {}).items():
        db.session.merge(IndicatorTarget(campaign_id=campaign.id, code=code, value=float(value)))
    db.session.flush()
    log_action(actor, "campaign.updated", "campaign", f"{campaign.region.code}/{campaign.year}", before=before,
               after={**deadlines_of(campaign), "enterprises_in_region_total": campaign.enterprises_in_region_total,
                      "late_return_days": campaign.late_return_days,
                      "targets": targets or {}})
    return campaign


def add_member(campaign: Campaign, organization: Organization, *, actor: User) -> CampaignMember:
    """Expect an organization in the campaign under its current reporting parent. Caller commits."""
    if organization.region_id != campaign.region_id:
        raise ValidationFailed("Организация из другого региона.")
    if db.session.get(CampaignMember, (campaign.id, organization.id)):
        raise InvalidTransition(f"Организация {organization.code} уже участвует в кампании.")
    member = CampaignMember(campaign_id=campaign.id, organization_id=organization.id, org_type=organization.org_type,
                            reporting_municipality_id=organization.reporting_municipality_id)
    db.session.add(member)
    db.session.flush()
    log_action(actor, "campaign.member_added", "campaign", f"{campaign.region.code}/{campaign.year}",
               after={"organization": organization.code})
    return member


def remove_member(campaign: Campaign, organization: Organization, *, reason: str, actor: User) -> None:
    """Stop expecting an organization (e.g. closed); its data stays but is no longer counted. Caller commits."""
    member = db.session.get(CampaignMember, (campaign.id, organization.id))
    if member is None:
        raise NotFound(f"Организация {organization.code} не участвует в кампании.")
    if not (reason or "").strip():
        raise ValidationFailed("Укажите причину исключения.", {"reason": ["Причина обязательна."]})
    db.session.delete(member)
    db.session.flush()
    log_action(actor, "campaign.member_removed", "campaign", f"{campaign.region.code}/{campaign.year}",
               before={"organization": organization.code}, comment=reason.strip())


def latest_campaign(region_id: int) -> Campaign | None:
    """The region's current campaign: the one of the latest year."""
    return db.session.scalar(sa.select(Campaign).where(Campaign.region_id == region_id)
                             .order_by(Campaign.year.desc()).limit(1))


def latest_campaigns(region_ids: list[int]) -> dict[int, Campaign]:
    """Each region's current campaign (latest_campaign) by region id, in one query for any number of regions."""
    latest = (sa.select(Campaign.region_id, sa.func.max(Campaign.year).label("year"))
              .where(Campaign.region_id.in_(region_ids)).group_by(Campaign.region_id).subquery())
    found = db.session.scalars(sa.select(Campaign).join(latest, sa.and_(Campaign.region_id == latest.c.region_id,
                                                                        Campaign.year == latest.c.year)))
    return {campaign.region_id: campaign for campaign in found}


def campaign_args(campaign: Campaign) -> dict:
    """URL arguments naming a campaign."""
    return {"region_code": campaign.region.code, "year": campaign.year}
