"""Mentors and mentees of one organization: create, edit, the full-cycle mark, awards. Callers commit."""
import logging
from datetime import date

import sqlalchemy as sa

from hierarchy.models import Organization
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.errors import ValidationFailed
from registry.extensions import db
from registry.mentoring import publication
from registry.mentoring.models import Award, Mentee, Mentor, PartnerAgreement, Person
from registry.mentoring.text import snils_digits, snils_error
from registry.mentoring.vocab import mask_of

logger = logging.getLogger(__name__)

MENTOR_FIELDS = ("code", "full_name", "birth_date", "category", "position", "partner_id", "forms", "competences",
                 "achievements", "left_on")
MENTEE_FIELDS = ("code", "full_name", "birth_date", "category", "request", "left_on")


def _check_code(model, org: Organization, code: str, own_id: int | None) -> None:
    if not code:
        return
    clash = db.session.scalar(sa.select(model.id).where(model.organization_id == org.id, model.code == code))
    if clash is not None and clash != own_id:
        raise ValidationFailed("Запись не сохранена.", {"code": [f"Код «{code}» уже занят другой записью."]})


def partner_ids_of(org: Organization) -> set[int]:
    """Partners the organization has an agreement with: the only ones its mentors may come from."""
    return set(db.session.scalars(sa.select(PartnerAgreement.partner_id)
                                  .where(PartnerAgreement.organization_id == org.id)))


def _apply(record, data: dict, fields: tuple[str, ...]) -> list[str]:
    changed = []
    for name in fields:
        if name not in data:
            continue
        value = data[name]
        if name == "forms":
            value = mask_of(value)
        if name in ("code",):
            value = value or None
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed


def _check_mentor(org: Organization, data: dict, own_id: int | None) -> None:
    _check_code(Mentor, org, data.get("code") or "", own_id)
    partner_id = data.get("partner_id")
    if partner_id is not None and partner_id not in partner_ids_of(org):
        raise ValidationFailed("Запись не сохранена.", {"partner_id": [
            "Выберите предприятие-партнёра, с которым у организации есть соглашение."]})


def _link_person(record, org: Organization, data: dict) -> bool:
    """Point the record to the region's person of its СНИЛС (created on first use); an empty СНИЛС unlinks it.

    One record per person in an organization: a second record of the same person there is refused."""
    if "snils" not in data:
        return False
    text = (data["snils"] or "").strip()
    if not text:
        changed, record.person_id, record.person = record.person_id is not None, None, None
        return changed
    error = snils_error(text)
    if error:
        raise ValidationFailed("Запись не сохранена.", {"snils": [error]})
    digits = snils_digits(text)
    person = db.session.scalar(sa.select(Person).where(Person.region_id == org.region_id, Person.snils == digits))
    if person is None:
        person = Person(region_id=org.region_id, snils=digits)
        db.session.add(person)
        db.session.flush()
    model = type(record)
    clash = db.session.scalar(sa.select(model.id).where(model.organization_id == org.id, model.person_id == person.id))
    if clash is not None and clash != record.id:
        raise ValidationFailed("Запись не сохранена.", {"snils": [
            "Человек с этим СНИЛС уже есть в записях организации: измените ту запись."]})
    changed = record.person_id != person.id
    record.person_id, record.person = person.id, person
    return changed


def create_mentor(org: Organization, data: dict, *, actor: User | None) -> Mentor:
    """Add a mentor to the organization's records. Caller commits."""
    _check_mentor(org, data, None)
    mentor = Mentor(organization_id=org.id, organization=org)
    _apply(mentor, data, MENTOR_FIELDS)
    _link_person(mentor, org, data)
    db.session.add(mentor)
    db.session.flush()
    log_action(actor, "mentor.created", "mentor", mentor.id, comment=org.code)
    return mentor


def update_mentor(mentor: Mentor, data: dict, *, actor: User | None) -> list[str]:
    """Change a mentor's record; the public projection follows at once. Caller commits."""
    _check_mentor(mentor.organization, data, mentor.id)
    changed = _apply(mentor, data, MENTOR_FIELDS)
    if _link_person(mentor, mentor.organization, data):
        changed.append("snils")
    if changed:
        publication.refresh(mentor)
        # field names only: the audit trail is not a second copy of personal data
        log_action(actor, "mentor.updated", "mentor", mentor.id, after={"fields": changed})
    return changed


def create_mentee(org: Organization, data: dict, *, actor: User | None) -> Mentee:
    """Add a mentee to the organization's records. Caller commits."""
    _check_code(Mentee, org, data.get("code") or "", None)
    mentee = Mentee(organization_id=org.id, organization=org)
    _apply(mentee, data, MENTEE_FIELDS)
    _link_person(mentee, org, data)
    db.session.add(mentee)
    db.session.flush()
    log_action(actor, "mentee.created", "mentee", mentee.id, comment=org.code)
    return mentee


def update_mentee(mentee: Mentee, data: dict, *, actor: User | None) -> list[str]:
    _check_code(Mentee, mentee.organization, data.get("code") or "", mentee.id)
    changed = _apply(mentee, data, MENTEE_FIELDS)
    if _link_person(mentee, mentee.organization, data):
        changed.append("snils")
    if changed:
        db.session.flush()
        log_action(actor, "mentee.updated", "mentee", mentee.id, after={"fields": changed})
    return changed


def set_full_cycle(mentee: Mentee, completed: bool, *, on: date, actor: User | None) -> None:
    """Set or clear the mandatory «полный цикл пройден» mark (003 §5.2.1). Caller commits."""
    if mentee.full_cycle_completed == completed:
        return
    mentee.full_cycle_completed = completed
    mentee.full_cycle_on = on if completed else None
    db.session.flush()
    log_action(actor, "mentee.full_cycle_marked" if completed else "mentee.full_cycle_cleared", "mentee", mentee.id,
               after={"full_cycle_completed": completed, "on": on.isoformat()})


def add_award(mentor: Mentor, data: dict, *, actor: User | None) -> Award:
    award = Award(mentor=mentor, title=data["title"], other_title=data.get("other_title", ""), year=data["year"])
    db.session.add(award)
    db.session.flush()
    publication.refresh(mentor)
    log_action(actor, "mentor.award_added", "mentor", mentor.id, after={"title": award.title.value,
                                                                        "year": award.year})
    return award


def remove_award(award: Award, *, actor: User | None) -> None:
    mentor = award.mentor
    mentor.awards.remove(award)
    db.session.flush()
    publication.refresh(mentor)
    log_action(actor, "mentor.award_removed", "mentor", mentor.id, before={"title": award.title.value,
                                                                           "year": award.year})
