"""Soft warnings on a submission: shown next to the field, never blocking (PRODUCT.md §4)."""
import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy.models import Organization
from monitoring.aggregation import targets_for
from monitoring.indicators import FIELD_BY_CODE, PERCENT_CODES, compute_indicators
from monitoring.models import Submission, SubmissionValue
from registry.core.web import format_number
from registry.extensions import db

#: A year-on-year change above this share is worth a second look.
MAX_CHANGE = 0.5
#: An organization's share this many percentage points above the regional target is suspicious.
SUSPICIOUS_MARGIN = 25.0
#: Which field drives each share, so the warning sits next to the number the curator typed.
NUMERATOR = {"R2": "mentees_students", "R4": "mentees_students", "R6": "mentees_students",
             "R7": "teachers_young_supported", "R8": "mentors_students_age_15_19"}


def previous_values(campaign: Campaign, organization: Organization) -> dict[str, float]:
    """The organization's values in the region's campaign of the year before, if it reported then."""
    rows = db.session.execute(
        sa.select(SubmissionValue.code, SubmissionValue.value)
        .join(Submission, Submission.id == SubmissionValue.submission_id)
        .join(Campaign, Campaign.id == Submission.campaign_id)
        .where(Campaign.region_id == campaign.region_id, Campaign.year == campaign.year - 1,
               Submission.organization_id == organization.id))
    return dict(rows.all())


def soft_warnings(campaign: Campaign, organization: Organization, values: dict[str, float]) -> dict[str, list[str]]:
    """Field → warnings: a change of more than 50% against last year; a share far above the target."""
    warnings: dict[str, list[str]] = {}
    for code, before in previous_values(campaign, organization).items():
        now = values.get(code)
        if now is None or code in PERCENT_CODES or not before:
            continue
        change = (now - before) / before
        if abs(change) > MAX_CHANGE:
            warnings.setdefault(code, []).append(
                f"Изменение на {change:+.0%} к прошлому году (было {format_number(before)}). Проверьте, нет ли "
                "опечатки.")
    shares = compute_indicators({organization.org_type.value: values}, values, {}, enterprises_total=None)
    targets = targets_for(campaign)
    for indicator, field in NUMERATOR.items():
        share, target = shares.get(indicator), targets.get(indicator)
        if share is not None and target is not None and share > target + SUSPICIOUS_MARGIN:
            label = FIELD_BY_CODE[field].label
            warnings.setdefault(field, []).append(
                f"Доля {format_number(share)} % намного выше целевого значения {format_number(target)} % — "
                f"проверьте «{label}».")
    return warnings
