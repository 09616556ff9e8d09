"""The loaders: a record by its id or code, raising NotFound for an unknown id and for another organization's (the
same answer: an id says nothing about what lies outside the scope), then PermissionDenied when the user may not read
or change it. Web pages render both as the HTML error page, the API as its JSON error (one error model)."""
import sqlalchemy as sa

from hierarchy.models import Organization, Region
from hierarchy.queries import organization_by_code
from registry.auth.models import User
from registry.core.errors import NotFound
from registry.core.permissions import require
from registry.extensions import db
from registry.mentoring.access.rules import (
    CURATOR_ONLY,
    OUT_OF_SCOPE,
    can_edit_records,
    can_review_partner,
    can_review_practice,
    can_view_records,
    can_view_registry,
)
from registry.mentoring.access.visible import pairs_of_organization
from registry.mentoring.models import (
    Award,
    Consent,
    Mentee,
    Mentor,
    MentoringPair,
    Partner,
    PartnerAgreement,
    Person,
    Practice,
)
from registry.mentoring.text import snils_digits


def viewable_organization(user: User, org_code: str) -> Organization:
    org = organization_by_code(org_code)
    require(can_view_records(user, org), OUT_OF_SCOPE)
    return org


def editable_organization(user: User, org_code: str) -> Organization:
    org = viewable_organization(user, org_code)
    require(can_edit_records(user, org), CURATOR_ONLY)
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


def consent_of(org: Organization, consent_id: int) -> tuple[Consent, Mentor | Mentee]:
    """A consent of one of the organization's mentors or mentees, with that person."""
    consent = db.session.get(Consent, consent_id)
    if consent is None:
        raise NotFound("Согласие не найдено.")
    person = db.session.get(Mentor, consent.mentor_id) if consent.mentor_id else db.session.get(Mentee,
                                                                                                consent.mentee_id)
    if person is None or person.organization_id != org.id:
        raise NotFound("Согласие не найдено.")
    return consent, person


def award_of(org: Organization, award_id: int) -> Award:
    """An award of one of the organization's mentors."""
    award = db.session.get(Award, award_id)
    if award is None or award.mentor.organization_id != org.id:
        raise NotFound("Награда не найдена.")
    return award


def agreement_of(org: Organization, agreement_id: int) -> PartnerAgreement:
    """One of the organization's agreements with a partner."""
    agreement = db.session.get(PartnerAgreement, agreement_id)
    if agreement is None or agreement.organization_id != org.id:
        raise NotFound("Соглашение не найдено.")
    return agreement


def reviewable_practice(user: User, practice_id: int) -> Practice:
    """The practice (NotFound for an unknown id), once the user reviews its organization (PermissionDenied)."""
    practice = db.session.get(Practice, practice_id)
    if practice is None:
        raise NotFound("Практика не найдена.")
    require(can_review_practice(user, practice), "Одобрять практики этой организации может её муниципалитет или "
                                                 "региональный оператор.")
    return practice


def reviewable_partner(user: User, partner_id: int) -> Partner:
    """The partner (NotFound for an unknown id), once the user reviews it (PermissionDenied), as for practices."""
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        raise NotFound("Партнёр не найден.")
    require(can_review_partner(user, partner), "Публиковать партнёра может муниципалитет его организаций или "
                                               "региональный оператор.")
    return partner
