"""Records as the API and the registry downloads show them: codes, the СНИЛС masked outside its organization,
a mentee's names only inside the mentee's scope."""

import sqlalchemy as sa
from flask import Response
from sqlalchemy.orm import aliased, selectinload

from hierarchy.models import Organization
from registry.auth.models import User
from registry.core.json_answers import sent_as_is
from registry.extensions import db
from registry.mentoring import access
from registry.mentoring.models import Mentee, Mentor, MentoringPair, Partner, Person
from registry.mentoring.text import format_snils, masked_snils
from registry.mentoring.vocab import forms_of


def possible_duplicates(records: list) -> set[int]:
    """Ids of the records without СНИЛС that share full name and birth date with another record of the region
    (same kind): a hint, never a merge."""
    candidates = [r for r in records if r.person_id is None and r.birth_date is not None]
    if not candidates:
        return set()
    model = type(candidates[0])
    region_ids = {r.organization.region_id for r in candidates}
    return set(db.session.scalars(sa.select(model.id).where(model.id.in_([r.id for r in candidates]),
                                                            _repeated(model, region_ids))))


def _repeated(model, region_ids: set[int]) -> sa.ColumnElement:
    """A record of `model` without СНИЛС whose full name and birth date another record of these regions has: each
    record one probe of ix_*_birth_name. (An IN list of a busy organization's 2,000 name and birth-date pairs cost
    seven times as much to plan and run; with the region taken from the record's organization in SQL, the planner
    hashed the region's 600,000 records instead of probing.)"""
    other, other_org = aliased(model), aliased(Organization)
    return sa.and_(model.person_id.is_(None), model.birth_date.is_not(None), sa.exists().where(
        other.birth_date == model.birth_date, other.full_name == model.full_name, other.id != model.id,
        other_org.id == other.organization_id, other_org.region_id.in_(sorted(region_ids))))


def loading(query, model):
    """`query` of mentors or mentees loading what `person` reads (organization, person, partner) in one query per
    page, not one per record."""
    options = [selectinload(model.organization), selectinload(model.person)]
    if model is Mentor:
        options.append(selectinload(Mentor.partner))
    return query.options(*options)


def person(user: User, record: Mentor | Mentee, duplicates: set[int] = frozenset()) -> dict:
    partner_inn = record.partner.inn if isinstance(record, Mentor) and record.partner else None
    return _shown(type(record), record, record.organization.code, access.snils_for(user, record),
                  record.id in duplicates, partner_inn)


def _shown(model, record, organization: str, snils: str | None, duplicate: bool, partner_inn: str | None) -> dict:
    """The answer's shape of a mentor or mentee (`model`); `record` is the record or a row of its columns."""
    body = {"id": record.id, "organization": organization, "full_name": record.full_name,
            "birth_date": record.birth_date, "snils": snils, "category": record.category.value,
            "person_id": record.person_id, "possible_duplicate": duplicate, "left_on": record.left_on}
    if model is Mentor:
        body.update(position=record.position, forms=[f.value for f in forms_of(record.forms)], partner_inn=partner_inn)
    else:
        body.update(full_cycle_completed=record.full_cycle_completed)
    return body


def people(user: User, records: list) -> list[dict]:
    duplicates = possible_duplicates(records)
    return [person(user, r, duplicates) for r in records]


def organization_people_json(user: User, org: Organization, model) -> Response:
    """An organization's mentors or mentees (`model`) as `person` shows them, sent as is: dates as ISO 8601 like
    PersonOutSchema. Read as plain rows, not ORM records: a busy organization's 2,000 records cost more to load as
    records with their organization, person and partner than to read and send (issue 18)."""
    columns = [model.id, model.full_name, model.birth_date, model.category, model.person_id, model.left_on,
               Person.snils]
    query = access.visible_records(org, model).with_only_columns(*columns).outerjoin(
        Person, Person.id == model.person_id)
    if model is Mentor:
        query = query.add_columns(Mentor.position, Mentor.forms, Partner.inn).outerjoin(
            Partner, Partner.id == Mentor.partner_id)
    else:
        query = query.add_columns(Mentee.full_cycle_completed)
    rows = db.session.execute(query.order_by(model.id)).all()
    duplicates = set(db.session.scalars(sa.select(model.id).where(model.organization_id == org.id,
                                                                  _repeated(model, {org.region_id}))))
    snils = format_snils if access.can_edit_records(user, org) else masked_snils  # as access.snils_for decides
    items = [_shown(model, row, org.code, snils(row.snils) if row.snils else None, row.id in duplicates,
                    row.inn if model is Mentor else None) for row in rows]
    return sent_as_is(items)


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
