"""Read helpers over the records: counts for the monitoring form, R9 and F2 from the records, summaries."""
from collections import Counter
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from hierarchy.models import Organization
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
from registry.mentoring.models.people import age_on
from registry.mentoring.vocab import COUNTED_IN_R9, INVOLVED, Form, MenteeCategory, MentorCategory

#: Monitoring codes the records can count (PRODUCT.md §4); the rest (students_total, surveys…) are not records.
RECORD_CODES = (
    "mentees_students", "mentees_students_full_cycle", "mentees_age_10_19", "teachers_young_supported",
    "mentors_total", "mentors_teachers", "mentors_students", "mentors_employers", "mentors_social_partners",
    "mentors_students_age_15_19", *(f"mentees_form_{f.value}" for f in Form), "pairs_total", "groups_total",
    "partner_enterprises_with_mentors",
)


def reference_day(year: int) -> date:
    """Ages are taken on the organization deadline of the campaign year (20 October, 003 §5.2.1)."""
    return date(year, 10, 20)


def _overlaps(start, end, year: int):
    """A period [start, end] (end may be NULL) overlapping the calendar year."""
    return sa.and_(start <= date(year, 12, 31), sa.or_(end.is_(None), end >= date(year, 1, 1)))


def involved_pairs(org_id: int, year: int) -> sa.Select:
    return sa.select(MentoringPair.id, MentoringPair.form, MentoringPair.start_on).where(
        MentoringPair.organization_id == org_id, MentoringPair.status.in_(INVOLVED),
        _overlaps(MentoringPair.start_on, sa.func.coalesce(MentoringPair.closed_on, MentoringPair.end_on), year))


def has_records(org: Organization) -> bool:
    return db.session.scalar(sa.select(
        sa.exists().where(Mentor.organization_id == org.id) | sa.exists().where(Mentee.organization_id == org.id)))


def counts_from_records(org: Organization, year: int) -> dict[str, int]:
    """The monitoring counts computed from the personalised records, for «заполнить из учёта»."""
    pairs = involved_pairs(org.id, year).subquery()
    day = reference_day(year)
    mentee_rows = db.session.execute(
        sa.select(Mentee.id, Mentee.category, Mentee.birth_date, Mentee.full_cycle_completed, Mentee.full_cycle_on,
                  pairs.c.id, pairs.c.form, pairs.c.start_on)
        .join(PairMentee, PairMentee.mentee_id == Mentee.id).join(pairs, pairs.c.id == PairMentee.pair_id)
        .where(_overlaps(PairMentee.joined_on, PairMentee.left_on, year))).all()
    mentor_rows = db.session.execute(
        sa.select(Mentor.id, Mentor.category, Mentor.birth_date)
        .join(PairMentor, PairMentor.mentor_id == Mentor.id).join(pairs, pairs.c.id == PairMentor.pair_id)
        .where(_overlaps(PairMentor.joined_on, PairMentor.left_on, year)).distinct()).all()
    students = {r[0]: r for r in mentee_rows if r[1] is MenteeCategory.student}
    counts = {
        "mentees_students": len(students),
        "mentees_students_full_cycle": sum(1 for r in students.values()
                                           if r[3] and (r[4] is None or r[4] <= date(year, 12, 31))),
        "mentees_age_10_19": sum(1 for r in students.values() if 10 <= (age_on(r[2], day) or -1) <= 19),
        "teachers_young_supported": len({r[0] for r in mentee_rows if r[1] is MenteeCategory.young_teacher}),
        "mentors_total": len(mentor_rows),
        "mentors_students_age_15_19": sum(1 for r in mentor_rows if r[1] is MentorCategory.student
                                          and 15 <= (age_on(r[2], day) or -1) <= 19),
    }
    by_category = Counter(r[1] for r in mentor_rows)
    for category, code in ((MentorCategory.teacher, "mentors_teachers"), (MentorCategory.student, "mentors_students"),
                           (MentorCategory.employer, "mentors_employers"),
                           (MentorCategory.social_partner, "mentors_social_partners")):
        counts[code] = by_category[category]
    for form, found in mentees_by_form(mentee_rows).items():
        counts[f"mentees_form_{form.value}"] = len(found)
    counts.update(pairs_and_groups(mentee_rows))
    # An enterprise "provided a mentor" when one of the employer mentors counted above is linked to it: so the
    # count never exceeds mentors_employers (a control ratio), and NGOs, universities, cultural partners and
    # partners of unknown kind never count (PRODUCT.md §8).
    counts["partner_enterprises_with_mentors"] = len(enterprise_inns([org.id], year).get(org.id, set()))
    return counts


def pairs_and_groups(mentee_rows) -> dict[str, int]:
    """pairs_total and groups_total counted by mentee (rows: id, …, pair id, pair form, pair start).

    Each mentee counts in one pair or group of the year, the latest they joined (by start, then id): a pair is one
    counted with one mentee, a group with two or more. So a pair has its own mentee and a group at least two, and the
    records pass «пар ≤ наставляемых» and «группы согласованы с парами» even when a mentee worked in two pairs in
    the year (a pair ended and a new one began); such an earlier pair is not counted a second time.
    """
    latest: dict[int, tuple] = {}
    for row in mentee_rows:
        mentee_id, pair = row[0], (row[7], row[5])
        if mentee_id not in latest or pair > latest[mentee_id]:
            latest[mentee_id] = pair
    sizes = Counter(pair for pair in latest.values())
    return {"pairs_total": sum(1 for n in sizes.values() if n == 1),
            "groups_total": sum(1 for n in sizes.values() if n > 1)}


def mentees_by_form(mentee_rows) -> dict[Form, set[int]]:
    """form → ids of the mentees the monitoring form counts in it (rows: id, category, …, pair id, pair form).

    A teacher mentee (young or other) is in «учитель — учитель» whatever form the pair was recorded under: 003 §4
    gives every teacher mentee to that form and only students to the other four (PRODUCT.md §4: each student form ≤
    mentees_students). So every mentee of the records is in a mentee field: a student in mentees_students, a teacher
    in mentees_form_teacher_teacher, and «пар ≤ наставляемых» holds for the records' own counts.
    """
    found: dict[Form, set[int]] = {form: set() for form in Form}
    for row in mentee_rows:
        mentee_id, category, form = row[0], row[1], row[6]
        if category is not MenteeCategory.student:
            found[Form.teacher_teacher].add(mentee_id)
        elif form is not Form.teacher_teacher:
            found[form].add(mentee_id)
    return found


def _in_orgs(column, org_ids: list[int]):
    """`column` is one of the ids: on PostgreSQL one array parameter (`= ANY`), which psycopg2 sends as it is;
    elsewhere the ids written into the statement, since a region's thousands of organizations would pass
    SQLite's limit on bound parameters (a subquery of a monitoring source instead would be computed again by
    every statement that uses it)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam("org_ids", list(org_ids), type_=postgresql.ARRAY(sa.Integer)))
    return column.in_(sa.bindparam("org_ids", list(org_ids), expanding=True, literal_execute=True))


def _pair_people(link, person_col, org_ids, year: int) -> sa.Select:
    """(organization id, person id) of the people in the involved pairs of the organizations in the year."""
    return (sa.select(MentoringPair.organization_id, person_col)
            .join(link, link.pair_id == MentoringPair.id)
            .where(_in_orgs(MentoringPair.organization_id, org_ids), MentoringPair.status.in_(INVOLVED),
                   _overlaps(MentoringPair.start_on, sa.func.coalesce(MentoringPair.closed_on, MentoringPair.end_on),
                             year),
                   _overlaps(link.joined_on, link.left_on, year)))


def enterprise_inns(org_ids, year: int) -> dict[int, set[str]]:
    """organization id → ИНН of the enterprise partners that provided one of its employer mentors in the year.

    One query for any number of organizations: R9's numerator takes the union of these sets by ИНН. A mentor
    recorded by another organization (a cross-organization pair) counts for the pair's organization, as in
    counts_from_records.
    """
    mentors = _pair_people(PairMentor, PairMentor.mentor_id, org_ids, year).subquery()
    rows = db.session.execute(
        sa.select(mentors.c.organization_id, Partner.inn).distinct().select_from(Mentor)
        .join(mentors, mentors.c.mentor_id == Mentor.id)
        .join(Partner, Partner.id == Mentor.partner_id)
        .where(Mentor.category == MentorCategory.employer, Partner.kind == COUNTED_IN_R9))
    found: dict[int, set[str]] = {}
    for org_id, inn in rows:
        found.setdefault(org_id, set()).add(inn)
    return found


def with_partner_records(org_ids: list[int]) -> set[int]:
    """Organizations that keep partner records (any agreement): their R9 count comes from the records."""
    return _having(org_ids, PartnerAgreement.organization_id)


def with_people_records(org_ids: list[int]) -> set[int]:
    """Organizations that keep personalised records of mentors or mentees (see has_records)."""
    return _having(org_ids, Mentor.organization_id, Mentee.organization_id)


def _having(org_ids: list[int], *columns) -> set[int]:
    """The organizations with a row in any of the tables of `columns`: one index probe per organization (reading
    every row of a region's 600,000 mentors to learn which organizations have one took 250 ms)."""
    found = sa.or_(*(sa.exists().where(column == Organization.id) for column in columns))
    return set(db.session.scalars(sa.select(Organization.id).where(_in_orgs(Organization.id, org_ids), found)))


def participants_from_records(org_ids, year: int) -> dict[int, int]:
    """organization id → distinct mentees (every category) + distinct mentors of its involved pairs in the year.

    Records are kept per organization, so a person is distinct within the organization (PRODUCT.md §8 F2).
    """
    found: dict[int, int] = {}
    for link, column in ((PairMentee, PairMentee.mentee_id), (PairMentor, PairMentor.mentor_id)):
        people = _pair_people(link, column, org_ids, year).subquery()
        for org_id, count in db.session.execute(
                sa.select(people.c.organization_id, sa.func.count(sa.distinct(people.c[column.key])))
                .group_by(people.c.organization_id)):
            found[org_id] = found.get(org_id, 0) + count
    return found


def record_differences(values: dict[str, float], records: dict[str, int]) -> dict[str, list[str]]:
    """A warning for each entered count that differs from the records (soft: never blocks saving)."""
    warnings = {}
    for code, counted in records.items():
        entered = values.get(code)
        if entered is not None and entered != counted:
            warnings[code] = [f"В персонифицированном учёте организации: {counted}. Проверьте значение "
                              f"или записи учёта."]
    return warnings


def organization_summary(org_id: int) -> dict[str, int]:
    return organization_summaries([org_id])[org_id]


def organization_summaries(org_ids: list[int]) -> dict[int, dict[str, int]]:
    """Each organization's record counts, in one grouped query per table whatever the number of organizations."""
    keys = ("mentors", "public_mentors", "mentees", "full_cycle", "pairs", "partners", "practices")
    summaries = {org_id: dict.fromkeys(keys, 0) for org_id in org_ids}
    if not org_ids:
        return summaries

    def counted(condition):
        return sa.func.count(sa.case((condition, 1)))

    def fill(org_column, *columns_and_keys):
        columns, names = columns_and_keys[::2], columns_and_keys[1::2]
        query = sa.select(org_column, *columns).where(org_column.in_(org_ids)).group_by(org_column)
        for org_id, *counts in db.session.execute(query):
            summaries[org_id].update(zip(names, counts, strict=True))

    fill(Mentor.organization_id, counted(Mentor.left_on.is_(None)), "mentors", counted(Mentor.is_public.is_(True)),
         "public_mentors")
    fill(Mentee.organization_id, counted(Mentee.left_on.is_(None)), "mentees",
         counted(Mentee.full_cycle_completed.is_(True)), "full_cycle")
    fill(MentoringPair.organization_id, sa.func.count(), "pairs")
    fill(PartnerAgreement.organization_id, sa.func.count(sa.distinct(PartnerAgreement.partner_id)), "partners")
    fill(Practice.organization_id, sa.func.count(), "practices")
    return summaries
