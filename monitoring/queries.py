"""Read helpers: the aggregate of any unit in a campaign, review queues."""
from datetime import datetime

import sqlalchemy as sa

from deadlines.models import Campaign
from deadlines.unit_deadline import closes_at, is_on_time
from deadlines.windows import is_open
from hierarchy.models import Level, Municipality, Organization, Region
from monitoring import aggregation, record_indicators
from monitoring.models import CampaignMember, Submission, SubmissionStatus, SubmissionValue
from monitoring.plans.targets import resolve_targets
from monitoring.services import get_submission, membership
from registry.auth.models import User
from surveys import privacy


def organization_source(campaign: Campaign, organization: Organization) -> sa.Select:
    """One organization's current values, whatever the status (its curator sees its own draft)."""
    return (
        sa.select(CampaignMember.organization_id, CampaignMember.org_type, CampaignMember.reporting_municipality_id,
                  SubmissionValue.code, SubmissionValue.value)
        .join(Submission, sa.and_(Submission.campaign_id == CampaignMember.campaign_id,
                                  Submission.organization_id == CampaignMember.organization_id))
        .join(SubmissionValue, SubmissionValue.submission_id == Submission.id)
        .where(CampaignMember.campaign_id == campaign.id, CampaignMember.organization_id == organization.id)
    )


def aggregate(campaign: Campaign, unit: Region | Municipality | Organization, now: datetime,
              viewer: User | None) -> dict:
    """The live aggregate of PRODUCT.md §7: values, indicators against targets, completeness; R10/R11 as
    `viewer` may see them (the under-5 rule, surveys.privacy)."""
    if isinstance(unit, Organization):
        membership(campaign, unit)
        source = organization_source(campaign, unit)
        completeness = _organization_completeness(campaign, unit, now)
    else:
        scope = aggregation.ALL if isinstance(unit, Region) else unit.id
        source = aggregation.live_source(campaign.id, scope)
        completeness = aggregation.completeness(campaign, now, scope)
    # the source's organizations read once: R9 and F2's facts, the survey means and the under-5 pools
    facts, by_type_rows = record_indicators.org_facts_and_sums(campaign, source)
    survey = record_indicators.survey_rows(facts)
    block = aggregation.indicator_block(campaign, aggregation.sums(source, survey, by_type_rows), level=unit.level,
                                        source=source, unit_id=unit.id, targets=resolve_targets(campaign, unit),
                                        facts=facts)
    hidden = privacy.hidden_codes(viewer, campaign, aggregation.small_pools(source, survey=survey),
                                  unit.id if isinstance(unit, Organization) else None)
    return {"unit": {"code": unit.code, "level": unit.level.value, "name": unit.name}, "values": block["values"],
            "indicators": privacy.mask_indicators(block["indicators"], hidden), "completeness": completeness}


def _organization_completeness(campaign: Campaign, organization: Organization, now: datetime) -> dict:
    submission = get_submission(campaign, organization)
    status = submission.status if submission else SubmissionStatus.draft
    submitted = status in (SubmissionStatus.submitted, SubmissionStatus.accepted)
    submitted_at = submission.submitted_at if submitted else None
    late = is_on_time(submitted_at, closes_at(campaign, Level.organization, organization.id)) is False
    return {"expected": 1, "submitted": int(submitted), "accepted": int(status is SubmissionStatus.accepted),
            "overdue": int(not submitted and not is_open(campaign, Level.organization, organization.id, now)),
            "on_time": int(submitted and not late), "late": int(late)}
