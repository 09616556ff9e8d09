"""Records as the API and the registry downloads show them: codes, the СНИЛС masked outside its organization,
a mentee's names only inside the mentee's scope."""

import sqlalchemy as sa
from flask import Response
from sqlalchemy.orm import selectinload

from hierarchy.models import Organization
from registry.auth.models import User
from registry.core.api import sent_as_is
from registry.extensions import db
from registry.mentoring import access
from registry.mentoring.models import Mentee, Mentor, MentoringPair, Partner
from registry.mentoring.vocab import forms_of


def possible_duplicates(records: list) -> set[int]:
    """Ids of the records without СНИЛС that share full name and birth date with another record of the region
    (same kind): a hint, never a merge."""
    candidates = [r for r in records if r.person_id is None and r.birth_date is not None]
    if not candidates:
        return set()
    model = type(candidates[0])

    keys = {(r.full_name, r.birth_date) for r in candidates}
    region_ids = {r.organization.region_id for r in candidates}
    rows = db.session.execute(
        sa.select(model.full_name, model.birth_date, sa.func.count())
        .join(Organization, Organization.id == model.organization_id)
        # the pairs themselves, each one probe of ix_*_birth_name (two separate IN lists of a busy organization's
        # names and birth dates matched most of the region's records)
        .where(Organization.region_id.in_(region_ids),
               sa.tuple_(model.birth_date, model.full_name).in_(sorted((born, name) for name, born in keys)))
        .group_by(model.full_name, model.birth_date)).all()
    repeated = {(name, born) for name, born, count in rows if count > 1}
    return {r.id for r in candidates if (r.full_name, r.birth_date) in repeated}


def loading(query, model):
    """`query` of mentors or mentees loading what `person` reads (organization, person, partner) in one query per
    page, not one per record."""
    options = [selectinload(model.organization), selectinload(model.person)]
    if model is Mentor:
        options.append(selectinload(Mentor.partner))
    return query.options(*options)


def person(user: User, record: Mentor | Mentee, duplicates: set[int] = frozenset()) -> dict:
    body = {"id": record.id, "organization": record.organization.code, "full_name": record.full_name,
            "birth_date": record.birth_date, "snils": access.snils_for(user, record),
            "category": record.category.value, "person_id": record.person_id,
            "possible_duplicate": record.id in duplicates, "left_on": record.left_on}
    if isinstance(record, Mentor):
        body.update(position=record.position, forms=[f.value for f in forms_of(record.forms)],
                    partner_inn=record.partner.inn if record.partner else None)
    else:
        body.update(full_cycle_completed=record.full_cycle_completed)
    return body


def people(user: User, records: list) -> list[dict]:
    duplicates = possible_duplicates(records)
    return [person(user, r, duplicates) for r in records]


def people_json(user: User, records: list) -> Response:
    """`people` sent as is, dates as ISO 8601 like PersonOutSchema: an organization's thousands of records skip
    the second serialization pass (the body is already the documented shape)."""
    return sent_as_is(people(user, records))


def partner(record: Partner) -> dict:
    return {"id": record.id, "name": record.name, "inn": record.inn,
            "kind": record.kind.value if record.kind else None, "status": record.status.value}


def pair(user: User, record: MentoringPair) -> dict:
    mentees = record.current_mentees
    shown = [m.id for m in mentees if access.can_view_records(user, m.organization)]
    return {"id": record.id, "organization": record.organization.code, "form": record.form.value,
            "kind": record.kind.value, "status": record.status.value, "start_date": record.start_on,
            "mentor_ids": [m.id for m in record.current_mentors], "mentee_ids": shown,
            "cross_organization": any(m.organization_id != record.organization_id for m in record.current_mentors)}
