"""The `visible_*` query builders: which mentoring records a user sees, for the pages and the API alike.

Scope: a curator — their organization; a municipal official — the organizations reporting to their municipality;
region staff — every organization of the region. A pair is seen by its organization and by the organization of any
of its mentors (a cross-organization pair). An organization's own lists (`visible_records`, `visible_org_pairs`,
`visible_agreements`) take an organization its loader already authorized.
"""
import sqlalchemy as sa

from hierarchy.models import Municipality, Organization, Region, ReportsTo
from hierarchy.permissions import can_see_region
from registry.auth.models import Role, User
from registry.extensions import db
from registry.mentoring.models import (
    Mentee,
    Mentor,
    MentoringPair,
    PairMentee,
    PairMentor,
    Partner,
    PartnerAgreement,
    Practice,
)
from registry.mentoring.vocab import FORM_BITS, Form, MenteeCategory, MentorCategory, PairStatus, PartnerKind


def pairs_of_organization(org_id: int):
    """The condition on MentoringPair: the organization's own pairs and the pairs joining one of its mentors."""
    external = (sa.select(PairMentor.pair_id).join(Mentor, Mentor.id == PairMentor.mentor_id)
                .where(Mentor.organization_id == org_id))
    return sa.or_(MentoringPair.organization_id == org_id, MentoringPair.id.in_(external))


def visible_organizations(user: User) -> sa.Select:
    """The organizations whose records the user sees on the records index: a municipal official those located in its
    municipality that report to it, a regional operator its region's, a curator its own, the administrator all."""
    return _in_scope(sa.select(Organization), user, curator_own=True)


def _in_scope(query: sa.Select, user: User, *, curator_own: bool) -> sa.Select:
    """The query (over Organization) narrowed to the organizations the user oversees: the administrator all, a
    regional operator its region's, a municipal official those reporting to it; a curator its own if curator_own."""
    if user.role is Role.admin:
        return query
    if user.role is Role.municipal_official:
        return query.where(*_reporting_to(user))
    if user.role is Role.region_operator:
        return query.where(Organization.region_id == user.region_id)
    if user.role is Role.org_curator and curator_own:
        return query.where(Organization.id == user.organization_id)
    return query.where(sa.false())


def _reporting_to(user: User) -> tuple:
    """The conditions on Organization: located in the official's municipality and reporting to it."""
    return (Organization.location_municipality_id == user.municipality_id,
            Organization.reports_to == ReportsTo.municipality)


def visible_records(org: Organization, model) -> sa.Select:
    """The organization's own mentors, mentees or practices (the records list pages and the API lists)."""
    return sa.select(model).where(model.organization_id == org.id)


def visible_org_pairs(org: Organization) -> sa.Select:
    """The organization's pairs and other organizations' pairs with one of its mentors (their mentees stay theirs)."""
    return sa.select(MentoringPair).where(pairs_of_organization(org.id))


def visible_agreements(org: Organization) -> sa.Select:
    """The organization's agreements with partners, joined to the partner (sorted by its name or ИНН)."""
    return (sa.select(PartnerAgreement).join(Partner, Partner.id == PartnerAgreement.partner_id)
            .where(PartnerAgreement.organization_id == org.id))


def scoped_organizations(user: User, region: Region) -> sa.Select:
    """Ids of the organizations of the region whose records the user sees in the registry."""
    query = sa.select(Organization.id).where(Organization.region_id == region.id)
    if can_see_region(user, region.id):
        return query
    if user.role is Role.municipal_official:
        return query.where(*_reporting_to(user))
    if user.role is Role.org_curator:
        return query.where(Organization.id == user.organization_id)
    return query.where(sa.false())


def _in_registry_scope(model, user: User, region: Region):
    """The condition on Mentor or Mentee: the records of the organizations the user sees in the region's registry.
    Region staff see the whole region, read by the record's own region (one index, no join with its thousands of
    organizations); others the records of their scoped organizations."""
    if can_see_region(user, region.id):
        return model.region_id == region.id
    return model.organization_id.in_(scoped_organizations(user, region))


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
    query = sa.select(Mentor).where(_in_registry_scope(Mentor, user, region))
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
    query = sa.select(Mentee).where(_in_registry_scope(Mentee, user, region))
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


def partners_reviewed_by(user: User) -> sa.Select:
    """Ids of the partners with an agreement with an organization reporting to the official's municipality."""
    return (sa.select(PartnerAgreement.partner_id)
            .join(Organization, Organization.id == PartnerAgreement.organization_id)
            .where(*_reporting_to(user)))


def visible_partner_reviews(user: User) -> sa.Select:
    """Partners the user reviews (every status; the view narrows it)."""
    query = sa.select(Partner)
    if user.role is Role.admin:
        return query
    if user.role is Role.region_operator:
        return query.where(Partner.region_id == user.region_id)
    if user.role is Role.municipal_official:
        return query.where(Partner.id.in_(partners_reviewed_by(user)))
    return query.where(sa.false())


def visible_practice_reviews(user: User, statuses) -> sa.Select:
    """(Practice, Organization) rows in these statuses the user reviews: a municipal official those of the
    organizations reporting to it, a regional operator its region's, the administrator all."""
    query = (sa.select(Practice, Organization).join(Organization, Organization.id == Practice.organization_id)
             .where(Practice.status.in_(statuses)))
    return _in_scope(query, user, curator_own=False)


def record_counts(query: sa.Select, cap: int | None = None) -> tuple[int, int | None]:
    """(records, different people) a mentors or mentees query selects, in one pass: the records of one СНИЛС
    count as one person, a record without СНИЛС as its own person.

    With `cap`, counting stops after cap + 1 records: (cap + 1, None) means "more than cap" (the people among
    them are not counted). A name search as common as «Иван» matches a fifth of a region's 600,000 records, and
    an exact count of them would read every one."""
    query = query.order_by(None)
    rows = (query if cap is None else query.limit(cap + 1)).subquery()
    # count(person_id) skips NULLs: the records without СНИЛС are the total less it (no CASE per row)
    counted = sa.select(sa.func.count(), sa.func.count(sa.distinct(rows.c.person_id)), sa.func.count(rows.c.person_id))
    total, persons, with_person = db.session.execute(counted).one()
    if cap is not None and total > cap:
        return int(total), None
    return int(total), int(persons) + int(total) - int(with_person)
