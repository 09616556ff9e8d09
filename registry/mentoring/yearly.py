"""The yearly registry of mentors and mentees (003 §3.2.1–3.2.2): its counts, frozen with the municipal report
and the regional consolidation (monitoring.snapshots), by organizations and in distinct persons (PRODUCT.md §9).

Who is in the year's registry: the mentors and mentees of the covered organizations' records that have not left
before the year began. A person with a СНИЛС is counted once however many organizations record them.
"""
import hashlib
from datetime import date

import openpyxl
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from registry.core import export_store
from registry.extensions import db
from registry.mentoring.models import Mentee, Mentor, MentoringPair, PairMentee
from registry.mentoring.text import masked_snils
from registry.mentoring.vocab import (
    FORM_BITS,
    FORM_LABELS,
    MENTEE_CATEGORY_LABELS,
    MENTOR_CATEGORY_LABELS,
    Form,
    MenteeCategory,
    MentorCategory,
    forms_of,
)


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


EXTRACT_HEADERS = {
    "mentors": ("ФИО", "Организация", "Код организации", "Категория", "Формы", "СНИЛС", "Выбыл"),
    "mentees": ("ФИО", "Организация", "Код организации", "Категория", "Полный цикл пройден", "СНИЛС", "Выбыл"),
}


def _extract_rows(model, org_ids, year: int):
    query = (sa.select(model).options(selectinload(model.organization), selectinload(model.person))
             .where(model.organization_id.in_(org_ids),
                    sa.or_(model.left_on.is_(None), model.left_on >= date(year, 1, 1)))
             .order_by(model.organization_id, model.full_name, model.id).execution_options(yield_per=1000))
    for r in db.session.scalars(query):
        snils = masked_snils(r.person.snils) if r.person else ""
        left = r.left_on.strftime("%d.%m.%Y") if r.left_on else ""
        if model is Mentor:
            yield [r.full_name, r.organization.name, r.organization.code, MENTOR_CATEGORY_LABELS[r.category],
                   "; ".join(FORM_LABELS[f] for f in forms_of(r.forms)), snils, left]
        else:
            yield [r.full_name, r.organization.name, r.organization.code, MENTEE_CATEGORY_LABELS[r.category],
                   "да" if r.full_cycle_completed else "нет", snils, left]


def store_extract(relative: str, org_ids, year: int, counts: dict) -> dict:
    """Write the year's registry extract (XLSX: totals, mentors, mentees; the СНИЛС masked) under the exports
    root, streamed through openpyxl's write-only workbook; its path, size and SHA-256 for the snapshot."""
    def fill(out):
        book = openpyxl.Workbook(write_only=True)
        totals = book.create_sheet("Итоги")
        totals.append(["Показатель", "Наставники", "Наставляемые"])
        totals.append(["Записей по организациям", counts["mentors"]["records"], counts["mentees"]["records"]])
        totals.append(["Различных людей", counts["mentors"]["distinct_persons"], counts["mentees"]["distinct_persons"]])
        for kind, model, title in (("mentors", Mentor, "Наставники"), ("mentees", Mentee, "Наставляемые")):
            sheet = book.create_sheet(title)
            sheet.append(list(EXTRACT_HEADERS[kind]))
            for values in _extract_rows(model, org_ids, year):
                sheet.append(values)
        book.save(out)

    path = export_store.write_with(relative, fill)
    digest = hashlib.sha256()
    with open(path, "rb") as stored:
        for chunk in iter(lambda: stored.read(1 << 16), b""):
            digest.update(chunk)
    return {"path": relative, "size": path.stat().st_size, "sha256": digest.hexdigest()}


def freeze(campaign, level: str, unit_code: str, version: int, org_ids) -> dict:
    """The registry block a snapshot carries: its counts and its stored extract."""
    counts = registry_counts(org_ids, campaign.year)
    relative = "/".join((export_store.safe(campaign.region.code), str(campaign.year), "registry",
                         f"{level}-{export_store.safe(unit_code)}-v{version}.xlsx"))
    return {**counts, "extract": store_extract(relative, org_ids, campaign.year, counts)}
