"""Who may read and keep programmes and individual plans: loaders raise NotFound, predicates say yes or no.

The curator keeps them; the organization's municipality and region staff read them (like every record).
"""
import sqlalchemy as sa

from hierarchy.models import Organization
from hierarchy.permissions import can_edit_organization, can_see_organization
from registry.auth.models import User
from registry.core.errors import NotFound
from registry.extensions import db
from registry.mentoring.models import MentoringPair
from registry.programmes.models import PlanItem, Programme

OUT_OF_SCOPE = "Записи этой организации вне вашей области доступа."



def programme(org: Organization, programme_id: int) -> Programme:
    found = db.session.get(Programme, programme_id)
    if found is None or found.organization_id != org.id:
        raise NotFound("Такой программы в организации нет.")
    return found


def pair(org: Organization, pair_id: int) -> MentoringPair:
    found = db.session.get(MentoringPair, pair_id)
    if found is None or found.organization_id != org.id:
        raise NotFound("Такой пары в организации нет.")
    return found


def plan_item(pair_: MentoringPair, item_id: int) -> PlanItem:
    found = db.session.get(PlanItem, item_id)
    if found is None or found.pair_id != pair_.id:
        raise NotFound("Такого пункта плана нет.")
    return found


def can_view_programmes(user: User, org: Organization) -> bool:
    return can_see_organization(user, org.region_id, org.reporting_municipality_id, org.id)


def can_edit_programmes(user: User, org: Organization) -> bool:
    return can_edit_organization(user, org.id)


def visible_programmes(org: Organization) -> sa.Select:
    return sa.select(Programme).where(Programme.organization_id == org.id).order_by(Programme.form)


def plan_of(pair_: MentoringPair) -> sa.Select:
    return sa.select(PlanItem).where(PlanItem.pair_id == pair_.id).order_by(PlanItem.start_on, PlanItem.id)
