"""Cross-organization pairs of the demo (PRODUCT.md §9): a Vanino college student mentors pupils of two Vanino
schools («студент — ученик»), and an employee of a partner enterprise, recorded by the Komsomolsk college,
mentors students of the Vanino college («работодатель — студент»). The same person appears once in the region's
registry however many organizations record them (СНИЛС).

It uses the demo's own records when the organizations have them (the first ones by id, so a run is repeatable)
and otherwise creates the few people it needs. Deterministic: no randomness, fixed names and numbers.
"""
from datetime import date

import sqlalchemy as sa

from hierarchy.models import Organization, OrgType
from registry.auth.models import User
from registry.extensions import db
from registry.mentoring.models import Mentee, Mentor
from registry.mentoring.services import pairs, partner_review, partners, people
from registry.mentoring.services.partners import partner_by_inn
from registry.mentoring.vocab import AgreementKind, Form, Kind, MenteeCategory, MentorCategory, PartnerKind

COLLEGE, AVIATION_COLLEGE, SCHOOLS_OF = "27-R-VMK", "27-R-GAK", "27-VAN"
ENTERPRISE = ("2709003037", "АО «Ванинский морской торговый порт» (демо)")
#: Demo СНИЛС (valid control numbers, not real people).
STUDENT_SNILS, EMPLOYEE_SNILS = "27140050120", "27140050221"


def _org(code: str) -> Organization | None:
    return db.session.scalar(sa.select(Organization).where(Organization.code == code))


def _first(model, org: Organization, *where):
    return db.session.scalar(sa.select(model).where(model.organization_id == org.id, model.left_on.is_(None),
                                                    *where).order_by(model.id).limit(1))


def _student_mentor(college: Organization) -> Mentor:
    found = _first(Mentor, college, Mentor.category == MentorCategory.student)
    if found is not None:
        return found
    return people.create_mentor(college, {
        "full_name": "Лесникова Дарья Андреевна", "birth_date": date(2006, 4, 12), "snils": STUDENT_SNILS,
        "category": MentorCategory.student, "position": "студентка 3 курса", "forms": [Form.student_pupil]},
        actor=None)


def _pupil(school: Organization, name: str, born: date) -> Mentee:
    found = _first(Mentee, school, Mentee.category == MenteeCategory.student)
    if found is not None:
        return found
    return people.create_mentee(school, {"full_name": name, "birth_date": born, "category": MenteeCategory.student},
                                actor=None)


def _employee(aviation: Organization) -> Mentor:
    partner = partner_by_inn(aviation.region_id, ENTERPRISE[0])
    if partner is None or not any(a.organization_id == aviation.id for a in partner.agreements):
        partner = partners.add_agreement(aviation, {
            "inn": ENTERPRISE[0], "name": ENTERPRISE[1], "partner_kind": PartnerKind.enterprise,
            "kind": AgreementKind.dual, "number": "12-Д", "signed_on": date(2024, 8, 20), "mentors_provided": 1},
            actor=None).partner
        partner_review.publish(partner, actor=None)  # reviewed like the demo's other partners
    return people.create_mentor(aviation, {
        "full_name": "Корнеев Игорь Степанович", "birth_date": date(1979, 11, 3), "snils": EMPLOYEE_SNILS,
        "category": MentorCategory.employer, "position": "старший механик", "partner_id": partner.id,
        "forms": [Form.employer_student]}, actor=None)


def _approved_pair(org: Organization, form: Form, mentors: list, mentees: list, start: date, order: str,
                   actor: User | None) -> None:
    pair = pairs.create_pair(org, {"form": form, "kind": Kind.traditional, "start_on": start, "role_model": ""},
                             [m.id for m in mentors], [m.id for m in mentees], actor=actor)
    pairs.approve(pair, order_ref=order, actor=actor)
    pairs.activate(pair, actor=actor)


def load(year: int) -> int:
    """Create the demo's cross-organization pairs; how many (0 when the organizations are missing). Caller
    commits."""
    college, aviation = _org(COLLEGE), _org(AVIATION_COLLEGE)
    schools = list(db.session.scalars(sa.select(Organization).where(
        Organization.org_type == OrgType.general, Organization.code.like(f"{SCHOOLS_OF}-D%"))
        .order_by(Organization.code).limit(2)))
    if college is None or aviation is None or len(schools) < 2:
        return 0
    start = date(year - 1, 9, 1)  # the school year running into the demo's current campaign year
    student = _student_mentor(college)
    for n, school in enumerate(schools, start=1):
        pupil = _pupil(school, f"Гончаренко{'' if n == 1 else 'ва'} {('Артём', 'Полина')[n - 1]}",
                       date(2013 + n, 2, 10 + n))
        _approved_pair(school, Form.student_pupil, [student], [pupil], start, f"№ {40 + n}-о от 01.09", None)
    employee = _employee(aviation)
    students = [_pupil(college, "Шестаков Никита Олегович", date(2007, 6, 1))]
    _approved_pair(college, Form.employer_student, [employee], students, start, "№ 88-о от 02.09", None)
    return len(schools) + 1
