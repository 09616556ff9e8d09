"""What the records API adds to the services: rules checked per field (guardian consent under 14, a pair's form
against its people's categories), partner by ИНН, and removal of unused records. Callers commit."""
from datetime import date

import sqlalchemy as sa

from hierarchy.models import Organization
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.errors import InvalidTransition, ValidationFailed
from registry.extensions import db
from registry.mentoring.models import Mentee, Mentor, MentoringPair, PairMentee, PairMentor
from registry.mentoring.models.people import age_on
from registry.mentoring.services.partners import partner_by_inn
from registry.mentoring.vocab import Form, MenteeCategory, MentorCategory, PairStatus

#: Below this age the legal guardian consents to processing (152-ФЗ art. 9; ГК РФ art. 26, 28).
GUARDIAN_AGE = 14
#: The mentor categories and mentee categories each form joins (003 §4).
FORM_ROLES = {
    Form.student_student: ({MentorCategory.student}, {MenteeCategory.student}),
    Form.teacher_teacher: ({MentorCategory.teacher}, {MenteeCategory.young_teacher, MenteeCategory.teacher}),
    Form.teacher_student: ({MentorCategory.teacher}, {MenteeCategory.student}),
    Form.student_pupil: ({MentorCategory.student}, {MenteeCategory.student}),
    Form.employer_student: ({MentorCategory.employer, MentorCategory.social_partner}, {MenteeCategory.student}),
}


def needs_guardian(birth_date: date | None, today: date) -> bool:
    age = age_on(birth_date, today)
    return age is not None and age < GUARDIAN_AGE


def check_guardian(data: dict, today: date) -> None:
    if needs_guardian(data.get("birth_date"), today) and not data.get("guardian_consent"):
        raise ValidationFailed("Запись не сохранена.", {"guardian_consent": [
            f"Наставляемому нет {GUARDIAN_AGE} лет: нужно согласие законного представителя "
            "(guardian_consent: guardian_name, signed_on)."]})


def check_form_roles(form: Form, mentors: list[Mentor], mentees: list[Mentee]) -> None:
    """A pair's form must match its people: «студент — ученик» joins a student mentor to a pupil, and so on."""
    mentor_ok, mentee_ok = FORM_ROLES[form]
    errors = {}
    wrong = [m.id for m in mentors if m.category not in mentor_ok]
    if wrong:
        errors["mentor_ids"] = [f"Форма «{form.value}» не подходит наставникам {wrong}: нужна категория "
                                f"{', '.join(sorted(c.value for c in mentor_ok))}."]
    wrong = [m.id for m in mentees if m.category not in mentee_ok]
    if wrong:
        errors["mentee_ids"] = [f"Форма «{form.value}» не подходит наставляемым {wrong}: нужна категория "
                                f"{', '.join(sorted(c.value for c in mentee_ok))}."]
    if errors:
        errors["form"] = ["Форма пары не соответствует категориям её участников."]
        raise ValidationFailed("Пара не сохранена.", errors)


def partner_id_for(org: Organization, inn: str | None) -> int | None:
    if not inn:
        return None
    partner = partner_by_inn(org.region_id, inn)
    if partner is None:
        raise ValidationFailed("Запись не сохранена.", {"partner_inn": [
            "Партнёра с таким ИНН нет в реестре региона: сначала добавьте его (POST …/partners)."]})
    return partner.id


def remove_person(record: Mentor | Mentee, *, actor: User | None) -> None:
    """Delete a record never joined to a pair (a record with history is marked as left, not deleted)."""
    link = PairMentor if isinstance(record, Mentor) else PairMentee
    column = link.mentor_id if isinstance(record, Mentor) else link.mentee_id
    if db.session.scalar(sa.select(link.id).where(column == record.id).limit(1)) is not None:
        raise InvalidTransition("Запись участвует в парах: удалить её нельзя, отметьте выбытие (left_on).")
    kind = "mentor" if isinstance(record, Mentor) else "mentee"
    db.session.delete(record)
    db.session.flush()
    log_action(actor, f"{kind}.deleted", kind, record.id)


def remove_pair(pair: MentoringPair, *, actor: User | None) -> None:
    if pair.status is not PairStatus.forming:
        raise InvalidTransition("Удалить можно только формируемую пару; утверждённую — прекратите.")
    db.session.delete(pair)
    db.session.flush()
    log_action(actor, "pair.deleted", "pair", pair.id)
