"""Who sees which mentoring records, in one place for the pages and the API (PRODUCT.md §9).

Loaders raise NotFound (an unknown or foreign id) and PermissionDenied (out of scope); `visible_*` build the
scoped registry queries; `can_*` are predicates. Scope: a curator — their organization; a municipal official —
the organizations reporting to their municipality; region staff — every organization of the region. A pair is
seen by its organization and by the organization of any of its mentors (a cross-organization pair); a mentee's
data is shown only inside the mentee's own scope.
"""
import sqlalchemy as sa

from hierarchy.models import Municipality, Organization, Region, ReportsTo
from hierarchy.permissions import can_edit_organization, can_see_organization, can_see_region, can_work_in_region
from hierarchy.queries import organization_by_code
from registry.auth.models import Role, User
from registry.core.errors import NotFound
from registry.core.permissions import require
from registry.extensions import db
from registry.mentoring.models import (
    Mentee,
    Mentor,
    MentoringPair,
    PairMentee,
    PairMentor,
    Partner,
    PartnerAgreement,
    Person,
)
from registry.mentoring.text import format_snils, masked_snils, snils_digits
from registry.mentoring.vocab import FORM_BITS, Form, MenteeCategory, MentorCategory, PairStatus, PartnerKind

OUT_OF_SCOPE = "Записи этой организации вне вашей области доступа."


# --- predicates ---------------------------------------------------------------------------------------------

def can_view_records(user: User, org: Organization) -> bool:
    return can_see_organization(user, org.region_id, org.reporting_municipality_id, org.id)


def can_edit_records(user: User, org: Organization) -> bool:
    return can_edit_organization(user, org.id)


def can_view_registry(user: User, region: Region) -> bool:
    """The regional registry across organizations: region staff (all) and municipal officials (theirs)."""
    return can_see_region(user, region.id) or (
        user.role is Role.municipal_official and can_work_in_region(user, region.id))


def can_see_full_snils(user: User, record: Mentor | Mentee) -> bool:
    """The full СНИЛС only inside the record's own organization (its curator); everyone else sees it masked."""
    return can_edit_organization(user, record.organization_id)


def snils_for(user: User, record: Mentor | Mentee) -> str | None:
    if record.person is None:
        return None
    digits = record.person.snils
    return format_snils(digits) if can_see_full_snils(user, record) else masked_snils(digits)


# --- loaders ------------------------------------------------------------------------------------------------

def viewable_organization(user: User, org_code: str) -> Organization:
    org = organization_by_code(org_code)
    require(can_view_records(user, org), OUT_OF_SCOPE)
    return org


def editable_organization(user: User, org_code: str) -> Organization:
    org = viewable_organization(user, org_code)
    require(can_edit_records(user, org), "Вносить записи может только куратор организации.")
    return org


def record_of(model, org: Organization, record_id: int):
    """A mentor, mentee or pair of this organization; another organization's id answers 404 like an unknown one."""
    record = db.session.get(model, record_id)
    if record is None or record.organization_id != org.id:
        raise NotFound("Запись не найдена.")
    return record


def pair_seen_by(org: Organization, pair_id: int) -> MentoringPair:
    """A pair of the organization, or another organization's pair one of whose mentors it keeps."""
    pair = db.session.get(MentoringPair, pair_id)
    if pair is None or not db.session.scalar(sa.select(sa.literal(True)).where(
            MentoringPair.id == pair_id, pairs_of_organization(org.id))):
        raise NotFound("Пара не найдена.")
    return pair


def partner_of(org: Organization, partner_id: int) -> Partner:
    """A partner the organization has an agreement with."""
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.region_id != org.region_id or not db.session.scalar(
            sa.select(PartnerAgreement.id).where(PartnerAgreement.partner_id == partner_id,
                                                 PartnerAgreement.organization_id == org.id).limit(1)):
        raise NotFound("Партнёр не найден.")
    return partner


def external_mentor(org: Organization, snils: str) -> Mentor | None:
    """The mentor record another organization of the region keeps for the person with this СНИЛС (the first
    active one): how a curator joins a college's student or a partner's employee to a pair."""
    return db.session.scalar(
        sa.select(Mentor).join(Person, Person.id == Mentor.person_id)
        .join(Organization, Organization.id == Mentor.organization_id)
        .where(Person.region_id == org.region_id, Person.snils == snils_digits(snils), Mentor.left_on.is_(None),
               Mentor.organization_id != org.id, Organization.region_id == org.region_id)
        .order_by(Mentor.id).limit(1))


def registry_region(user: User, region_code: str) -> Region:
    region = db.session.scalar(sa.select(Region).where(Region.code == region_code))
    if region is None:
        raise NotFound(f"Регион с кодом «{region_code}» не найден.")
    require(can_view_registry(user, region), "Реестр региона ведут региональный оператор и муниципалитеты.")
    return region


# --- query builders -----------------------------------------------------------------------------------------

def pairs_of_organization(org_id: int):
    """The condition on MentoringPair: the organization's own pairs and the pairs joining one of its mentors."""
    external = (sa.select(PairMentor.pair_id).join(Mentor, Mentor.id == PairMentor.mentor_id)
                .where(Mentor.organization_id == org_id))
    return sa.or_(MentoringPair.organization_id == org_id, MentoringPair.id.in_(external))


def visible_organizations(user: User) -> sa.Select:
    """The organizations whose records the user sees on the records index: a municipal official those located in its
    municipality that report to it, a regional operator its region's, the administrator all."""
    query = sa.select(Organization)
    if user.role is Role.municipal_official:
        return query.where(Organization.location_municipality_id == user.municipality_id,
                           Organization.reports_to == ReportsTo.municipality)
    if user.role is Role.region_operator:
        return query.where(Organization.region_id == user.region_id)
    return query


def scoped_organizations(user: User, region: Region) -> sa.Select:
    """Ids of the organizations of the region whose records the user sees in the registry."""
    query = sa.select(Organization.id).where(Organization.region_id == region.id)
    if can_see_region(user, region.id):
        return query
    if user.role is Role.municipal_official:
        return query.where(Organization.location_municipality_id == user.municipality_id,
                           Organization.reports_to == ReportsTo.municipality)
    if user.role is Role.org_curator:
        return query.where(Organization.id == user.organization_id)
    return query.where(sa.false())


def _place_filters(query: sa.Select, model, filters: dict) -> sa.Select:
    if filters.get("organization"):
        query = query.where(model.organization_id.in_(
            sa.select(Organization.id).where(Organization.code == filters["organization"])))
    if filters.get("municipality"):
        query = query.where(model.organization_id.in_(
            sa.select(Organization.id).join(Municipality, Municipality.id == Organization.location_municipality_id)
            .where(Municipality.code == filters["municipality"])))
    return query


def _name_like(column, text: str):
    """Name search on both engines (SQLite's lower() knows only ASCII): as typed, lower-case or capitalised."""
    text = " ".join(text.split())
    variants = {text, text.lower(), text.capitalize(), text.title()}
    return sa.or_(*(column.contains(v, autoescape=True) for v in variants))


def visible_mentors(user: User, region: Region, filters: dict | None = None) -> sa.Select:
    filters = filters or {}
    query = sa.select(Mentor).where(Mentor.organization_id.in_(scoped_organizations(user, region)))
    query = _place_filters(query, Mentor, filters)
    if filters.get("form") in Form.__members__:
        query = query.where(Mentor.forms.op("&")(FORM_BITS[Form(filters["form"])]) != 0)
    if filters.get("category") in MentorCategory.__members__:
        query = query.where(Mentor.category == MentorCategory(filters["category"]))
    if filters.get("status") in ("active", "left"):
        query = query.where(Mentor.left_on.is_(None) if filters["status"] == "active" else Mentor.left_on.isnot(None))
    if filters.get("q"):
        query = query.where(_name_like(Mentor.full_name, filters["q"]))
    return query


def visible_mentees(user: User, region: Region, filters: dict | None = None) -> sa.Select:
    filters = filters or {}
    query = sa.select(Mentee).where(Mentee.organization_id.in_(scoped_organizations(user, region)))
    query = _place_filters(query, Mentee, filters)
    if filters.get("form") in Form.__members__:
        query = query.where(Mentee.id.in_(sa.select(PairMentee.mentee_id).join(
            MentoringPair, MentoringPair.id == PairMentee.pair_id).where(MentoringPair.form == Form(filters["form"]))))
    if filters.get("category") in MenteeCategory.__members__:
        query = query.where(Mentee.category == MenteeCategory(filters["category"]))
    if filters.get("status") in ("active", "left"):
        query = query.where(Mentee.left_on.is_(None) if filters["status"] == "active" else Mentee.left_on.isnot(None))
    if filters.get("full_cycle") in ("yes", "no"):
        query = query.where(Mentee.full_cycle_completed.is_(filters["full_cycle"] == "yes"))
    if filters.get("q"):
        query = query.where(_name_like(Mentee.full_name, filters["q"]))
    return query


def visible_pairs(user: User, region: Region, filters: dict | None = None) -> sa.Select:
    """Pairs of the scoped organizations and pairs joining one of their mentors."""
    filters = filters or {}
    orgs = scoped_organizations(user, region)
    external = (sa.select(PairMentor.pair_id).join(Mentor, Mentor.id == PairMentor.mentor_id)
                .where(Mentor.organization_id.in_(orgs)))
    query = sa.select(MentoringPair).where(sa.or_(MentoringPair.organization_id.in_(orgs),
                                                  MentoringPair.id.in_(external)))
    query = _place_filters(query, MentoringPair, filters)
    if filters.get("form") in Form.__members__:
        query = query.where(MentoringPair.form == Form(filters["form"]))
    if filters.get("status") in PairStatus.__members__:
        query = query.where(MentoringPair.status == PairStatus(filters["status"]))
    return query


def visible_partners(user: User, region: Region, filters: dict | None = None) -> sa.Select:
    """Partners with an agreement with one of the scoped organizations."""
    filters = filters or {}
    agreements = sa.select(PartnerAgreement.partner_id).where(
        PartnerAgreement.organization_id.in_(scoped_organizations(user, region)))
    agreements = _place_filters(agreements, PartnerAgreement, filters)
    query = sa.select(Partner).where(Partner.region_id == region.id, Partner.id.in_(agreements))
    if filters.get("category") in PartnerKind.__members__:
        query = query.where(Partner.kind == PartnerKind(filters["category"]))
    if filters.get("q"):
        query = query.where(sa.or_(_name_like(Partner.name, filters["q"]), Partner.inn == filters["q"].strip()))
    return query


def distinct_persons(query: sa.Select) -> int:
    """Different people among the records a mentors or mentees query selects: the records of one СНИЛС count
    once, a record without СНИЛС counts as its own person."""
    rows = query.order_by(None).subquery()
    counted = sa.select(sa.func.count(sa.distinct(rows.c.person_id)),
                        sa.func.coalesce(sa.func.sum(sa.case((rows.c.person_id.is_(None), 1), else_=0)), 0))
    with_person, without = db.session.execute(counted).one()
    return int(with_person) + int(without)


def count_of(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
