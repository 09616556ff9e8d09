"""The yearly registry of mentors and mentees (003 §3.2.1–3.2.2): its counts, frozen with the municipal report
and the regional consolidation (monitoring.snapshots), by organizations and in distinct persons (PRODUCT.md §9).

Who is in the year's registry: the mentors and mentees of the covered organizations' records that have not left
before the year began. A person with a СНИЛС is counted once however many organizations record them.
"""
from datetime import date

import sqlalchemy as sa

from registry.extensions import db
from registry.mentoring.models import Mentee, Mentor, MentoringPair, PairMentee
from registry.mentoring.vocab import FORM_BITS, Form, MenteeCategory, MentorCategory


def _distinct(query: sa.Select) -> int:
    rows = query.subquery()
    with_person, without = db.session.execute(sa.select(
        sa.func.count(sa.distinct(rows.c.person_id)),
        sa.func.coalesce(sa.func.sum(sa.case((rows.c.person_id.is_(None), 1), else_=0)), 0))).one()
    return int(with_person) + int(without)


def _records(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def registry_counts(org_ids, year: int) -> dict:
    """{"mentors"|"mentees": {"records", "distinct_persons", "by_category", "by_form"}} for the organizations
    (`org_ids`: a list or a SELECT of ids); by_category and by_form count distinct persons."""
    start = date(year, 1, 1)
    mentors = sa.select(Mentor.id, Mentor.person_id).where(
        Mentor.organization_id.in_(org_ids), sa.or_(Mentor.left_on.is_(None), Mentor.left_on >= start))
    mentees = sa.select(Mentee.id, Mentee.person_id).where(
        Mentee.organization_id.in_(org_ids), sa.or_(Mentee.left_on.is_(None), Mentee.left_on >= start))
    in_form = {form: sa.select(PairMentee.mentee_id).join(MentoringPair, MentoringPair.id == PairMentee.pair_id)
               .where(MentoringPair.form == form) for form in Form}
    return {
        "mentors": {
            "records": _records(mentors), "distinct_persons": _distinct(mentors),
            "by_category": {c.value: _distinct(mentors.where(Mentor.category == c)) for c in MentorCategory},
            "by_form": {f.value: _distinct(mentors.where(Mentor.forms.op("&")(FORM_BITS[f]) != 0)) for f in Form},
        },
        "mentees": {
            "records": _records(mentees), "distinct_persons": _distinct(mentees),
            "by_category": {c.value: _distinct(mentees.where(Mentee.category == c)) for c in MenteeCategory},
            "by_form": {f.value: _distinct(mentees.where(Mentee.id.in_(in_form[f]))) for f in Form},
        },
    }
