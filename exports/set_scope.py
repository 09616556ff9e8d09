"""Which stored federal forms a user may see, as SQL (the same scope as exports.access for one download):
region staff every file of the campaign, a municipal official its municipality's consolidated form and the forms
of the organizations reporting to it in the campaign, a curator its own organization's."""
import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from deadlines.models import Campaign
from exports.models import FormSet, StoredForm
from exports.stored_files import SERVABLE
from hierarchy import permissions as perms
from hierarchy.models import Level, Organization
from monitoring.models import CampaignMember
from registry.auth.models import Role, User
from registry.extensions import db


def scope_clause(user: User, campaign: Campaign) -> sa.ColumnElement:
    """A condition on StoredForm: the files of the campaign the user may download."""
    if perms.can_see_region(user, campaign.region_id):
        return sa.true()
    if not perms.can_work_in_region(user, campaign.region_id):
        return sa.false()
    if user.role is Role.municipal_official:
        reporting = (sa.select(Organization.code)
                     .join(CampaignMember, CampaignMember.organization_id == Organization.id)
                     .where(CampaignMember.campaign_id == campaign.id,
                            CampaignMember.reporting_municipality_id == user.municipality_id))
        return sa.or_(sa.and_(StoredForm.unit_level == Level.municipality,
                              StoredForm.unit_code == user.municipality.code),
                      sa.and_(StoredForm.unit_level == Level.organization, StoredForm.unit_code.in_(reporting)))
    return sa.and_(StoredForm.unit_level == Level.organization, StoredForm.unit_code == user.organization.code)


def _servable(user: User, campaign: Campaign, *columns) -> sa.Select:
    return (sa.select(*columns).join(FormSet, FormSet.id == StoredForm.set_id)
            .where(FormSet.campaign_id == campaign.id, StoredForm.status.in_(SERVABLE), scope_clause(user, campaign)))


def unit_rows(user: User, campaign: Campaign) -> sa.Select:
    """One row per (set, unit) the user may see, for a paged list (registry.core.listing)."""
    columns = (FormSet.id.label("set_id"), FormSet.version, FormSet.frozen_at, FormSet.level.label("set_level"),
               FormSet.unit_code.label("set_unit"), StoredForm.unit_level, StoredForm.unit_code, StoredForm.unit_name)
    return _servable(user, campaign, *columns).group_by(*columns)


#: Sort keys of unit_rows; ties are broken by the later columns.
SORTS = {"frozen": (FormSet.frozen_at, FormSet.id, StoredForm.unit_code),
         "unit": (StoredForm.unit_code, FormSet.id), "name": (StoredForm.unit_name, StoredForm.unit_code, FormSet.id)}


def files_of(user: User, campaign: Campaign, set_ids: list[int] | None = None,
             unit_code: str | None = None) -> list[StoredForm]:
    """The stored files the user may download (of these sets, of this unit, if given), newest set first, by unit and
    format."""
    query = _servable(user, campaign, StoredForm).options(contains_eager(StoredForm.form_set))
    if set_ids is not None:
        query = query.where(StoredForm.set_id.in_(set_ids))
    if unit_code is not None:
        query = query.where(StoredForm.unit_code == unit_code)
    return list(db.session.scalars(query.order_by(FormSet.id.desc(), StoredForm.unit_level != Level.region,
                                                  StoredForm.unit_level != Level.municipality,
                                                  StoredForm.unit_code, StoredForm.format)))
