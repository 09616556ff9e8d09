"""A municipality's own number of enterprises in a campaign (R9's municipal denominator, PRODUCT.md §8).

Access (`can_set_enterprises_total`) and reads are shared by the web page and the API; `set_enterprises_total`
only mutates, flushes and audits: the view commits.
"""
import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy import permissions as perms
from hierarchy.models import Municipality
from monitoring.models import CampaignMunicipality
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.errors import ValidationFailed
from registry.extensions import db

#: Upper bound of a plausible count (the whole of Russia has a few million enterprises).
MAX_ENTERPRISES = 10_000_000


def can_set_enterprises_total(user: User, municipality: Municipality) -> bool:
    """The municipality's own official or the region's staff (the operator, an admin)."""
    return perms.can_see_municipality(user, municipality)


def enterprises_total(campaign: Campaign, municipality_id: int) -> int | None:
    return db.session.scalar(sa.select(CampaignMunicipality.enterprises_total).where(
        CampaignMunicipality.campaign_id == campaign.id, CampaignMunicipality.municipality_id == municipality_id))


def enterprises_totals(campaign: Campaign) -> dict[int, int | None]:
    """municipality id → its enterprises_total for every municipality that has a row (one query)."""
    return dict(db.session.execute(sa.select(CampaignMunicipality.municipality_id,
                                             CampaignMunicipality.enterprises_total)
                                   .where(CampaignMunicipality.campaign_id == campaign.id)).all())


def check_enterprises_total(value) -> int | None:
    """The value as stored, or ValidationFailed naming the field: an integer 0…10 000 000, or null to clear."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ValidationFailed("Число предприятий не сохранено.",
                               {"enterprises_total": ["Нужно целое число предприятий, например 120."]})
    if not 0 <= value <= MAX_ENTERPRISES:
        raise ValidationFailed("Число предприятий не сохранено.",
                               {"enterprises_total": [f"Число предприятий — от 0 до {MAX_ENTERPRISES:,}."
                                                      .replace(",", " ")]})
    return int(value)


def set_enterprises_total(campaign: Campaign, municipality: Municipality, value, *, actor: User | None) -> int | None:
    """Set (or clear with None) the municipality's number of enterprises for the campaign. Caller commits."""
    if municipality.region_id != campaign.region_id:
        raise ValidationFailed("Муниципалитет не относится к региону кампании.",
                               {"municipality": ["Муниципалитет другого региона."]})
    value = check_enterprises_total(value)
    row = db.session.get(CampaignMunicipality, (campaign.id, municipality.id))
    before = row.enterprises_total if row is not None else None
    if row is None:
        row = CampaignMunicipality(campaign_id=campaign.id, municipality_id=municipality.id)
        db.session.add(row)
    row.enterprises_total = value
    db.session.flush()
    log_action(actor, "municipality.enterprises_total_set", "municipality", f"{campaign.year}/{municipality.code}",
               before={"enterprises_total": before}, after={"enterprises_total": value})
    return value
