"""Records for tests, made through the same services the app uses."""
import tempfile
from datetime import date

import sqlalchemy as sa
from flask import current_app

from registry.extensions import db
from registry.mentoring.models import Partner
from registry.mentoring.services import consents, pairs, partner_review, people
from registry.mentoring.vocab import (
    ConsentKind,
    Form,
    GivenBy,
    Kind,
    MenteeCategory,
    MentorCategory,
    PartnerStatus,
)

ALL_FIELDS = ["full_name", "position", "organization", "category", "forms", "competences", "achievements", "awards"]


def mentor(org, full_name="Иванова Мария Петровна", *, actor=None, category=MentorCategory.teacher, **extra):
    data = {"full_name": full_name, "category": category, "position": "учитель математики",
            "forms": [Form.teacher_student], "competences": "проектная деятельность",
            "achievements": "победитель конкурса «Учитель года»", **extra}
    return people.create_mentor(org, data, actor=actor)


def mentee(org, full_name="Петров Петя", *, actor=None, category=MenteeCategory.student,
           birth_date=date(2011, 5, 1), **extra):
    return people.create_mentee(org, {"full_name": full_name, "category": category, "birth_date": birth_date,
                                      **extra}, actor=actor)


def consent_processing(person, *, actor=None, guardian: str = ""):
    data = {"kind": ConsentKind.processing, "given_by": GivenBy.guardian if guardian else GivenBy.subject,
            "guardian_name": guardian, "signed_on": date(2024, 9, 1)}
    return consents.give(person, data, actor=actor)


def consent_publication(mentor_, fields=None, *, actor=None):
    data = {"kind": ConsentKind.publication, "given_by": GivenBy.subject, "signed_on": date(2024, 9, 1),
            "fields": list(fields or ALL_FIELDS)}
    return consents.give(mentor_, data, actor=actor)


def published(org, full_name="Иванова Мария Петровна", fields=None, **extra):
    person = mentor(org, full_name, **extra)
    consent_processing(person)
    consent_publication(person, fields)
    return person


def pair(org, mentors, mentees, *, form=Form.teacher_student, kind=Kind.traditional, start=date(2024, 9, 1),
         actor=None, **extra):
    data = {"form": form, "kind": kind, "start_on": start, "role_model": "", **extra}
    return pairs.create_pair(org, data, [m.id for m in mentors], [m.id for m in mentees], actor=actor)


def publish_partners(actor=None) -> None:
    """Publish every partner waiting for review, as its reviewer would."""
    for partner in db.session.scalars(sa.select(Partner).where(Partner.status != PartnerStatus.published)):
        partner_review.publish(partner, actor=actor)


def commit():
    db.session.commit()


def temporary_uploads() -> str:
    """Keep previewed uploads of the test run out of the project's instance folder."""
    folder = current_app.config.get("RECORD_IMPORTS_DIR")
    if not folder:
        folder = current_app.config["RECORD_IMPORTS_DIR"] = tempfile.mkdtemp(prefix="record-imports-")
    return folder
