"""What the public registry reads: published mentors (projection columns only), practices, partners.

Every mentor query starts from `published_mentors()`: rows with `is_public` set by the consent rules, and
each row is turned into a dict holding only the fields its consent names (`public_dict`). Mentees are
never queried here.
"""
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa

from hierarchy.models import Municipality, Organization, Region
from registry.extensions import db
from registry.mentoring.models import Award, Mentor, Partner, PartnerAgreement, Practice
from registry.mentoring.models.partners import LEGAL_ENTITY_INN_LENGTH
from registry.mentoring.publication import award_label
from registry.mentoring.text import search_words
from registry.mentoring.vocab import (
    FORM_LABELS,
    MENTOR_CATEGORY_LABELS,
    PARTNER_KIND_LABELS,
    ROLE_MODELS,
    UNKNOWN_PARTNER_KIND,
    AwardTitle,
    MentorCategory,
    PartnerStatus,
    PracticeStatus,
    forms_of,
)
from registry.public import search

PER_PAGE = 20
#: Browsing without words: counting stops here (an exact total of a million rows is not worth a full scan).
COUNT_CAP = 10_000
MAX_PAGE = COUNT_CAP // PER_PAGE
#: A text search collects at most this many matches (in index order), then sorts them by name: every query
#: costs about the same, however common its words. More matches than this mean "refine the query".
MATCH_CAP = 500


@dataclass(frozen=True)
class MentorFilters:
    q: str = ""
    municipality: str = ""
    organization: str = ""
    form: str = ""
    category: str = ""

    def as_args(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def _columns():
    return (Mentor.id, Mentor.sort_name, Mentor.public_fields, Mentor.full_name, Mentor.position, Mentor.category,
            Mentor.forms, Mentor.competences, Mentor.achievements, Organization.name.label("organization"),
            Municipality.name.label("municipality"))


@cache
def published_mentors() -> sa.Select:
    """Published mentors with their organization and municipality (built once: a Select is immutable)."""
    return (sa.select(*_columns()).join(Organization, Organization.id == Mentor.organization_id)
            .join(Municipality, Municipality.id == Organization.location_municipality_id)
            .where(Mentor.is_public.is_(True)))


@cache
def _search_statements(dialect: str, words: int, filters: tuple[str, ...], descending: bool) -> tuple:
    """(the page's rows, the matches' count) for one shape of search: the dialect, how many words, which filters,
    the order. Built once per shape (functools.cache; at most a few hundred shapes, as words are capped): every
    value is a bind parameter, so a search costs its execution, not the building of a union of subqueries."""
    conditions = search.conditions(filters)
    cap = MATCH_CAP if words else COUNT_CAP
    way = sa.desc if descending else sa.asc
    offset = sa.bindparam("offset", type_=sa.Integer)
    if words:
        # one index scan: the capped matches (id and sort key only), ordered and counted in the same query
        # the word index drives; is_public is checked on the rows found (as an expression, so no engine is
        # tempted to walk the is_public index instead: SQLite would scan every public row)
        public = sa.func.coalesce(Mentor.is_public, sa.false()).is_(sa.true())
        # each way of matching on its own index, capped (an OR would build one bitmap of every «ива…» name first):
        # the names as typed, then the words' matches the names did not take. The two never overlap, so they are
        # appended (UNION ALL), and the word search is not read once the names fill the cap (a GIN bitmap is built
        # whole before its first row: 6.6 ms for «алекс», 0.2 ms by name). The names are left out after the words'
        # cap, as a condition inside it would turn a common word's scan that stops at the cap into a full bitmap;
        # when the names fell short of the cap they are all in the first branch, so the second still brings enough.
        # Each branch is a subquery: SQLite refuses a LIMIT inside a UNION.
        by_name, by_words = (sa.select(Mentor.id, Mentor.sort_name).where(way_, public, *conditions[1:])
                             .limit(cap + 1).subquery()
                             for way_ in (search.name_prefix(dialect), search.ENGINES[dialect](words)))
        united = sa.union_all(
            sa.select(by_name.c.id, by_name.c.sort_name),
            sa.select(by_words.c.id, by_words.c.sort_name).where(sa.not_(search.begins(dialect, by_words.c.sort_name))),
        ).subquery("united")
        found = sa.select(united.c.id, united.c.sort_name).limit(cap + 1).cte("found")
        page_rows = (sa.select(found.c.id, found.c.sort_name, sa.func.count().over().label("total"))
                     .order_by(way(found.c.sort_name), way(found.c.id))
                     .limit(PER_PAGE + 1).offset(offset).subquery("page"))
        count = sa.select(sa.func.count()).select_from(found)
    else:
        page_rows = (sa.select(Mentor.id, Mentor.sort_name, sa.null().label("total")).where(*conditions)
                     .order_by(way(Mentor.sort_name), way(Mentor.id))
                     .limit(PER_PAGE + 1).offset(offset).subquery("page"))
        count = sa.select(sa.func.count()).select_from(
            sa.select(Mentor.id).where(*conditions).limit(cap + 1).subquery())
    rows = (published_mentors().add_columns(page_rows.c.total).join(page_rows, page_rows.c.id == Mentor.id)
            .order_by(way(page_rows.c.sort_name), way(page_rows.c.id)))
    return rows, count


def search_mentors(filters: MentorFilters, page: int = 1, descending: bool = False) -> dict:
    """One page of published mentors in name order (or its reverse), with the number found (counted up to a cap)."""
    values = search.filter_values(filters)
    empty = {"items": [], "page": page, "per_page": PER_PAGE, "total": 0, "total_is_capped": False,
             "has_next": False}
    if values is None:
        return empty
    words = search_words(filters.q)
    cap = MATCH_CAP if words else COUNT_CAP
    if page > cap // PER_PAGE:
        return {**empty, "total": cap, "total_is_capped": True}
    dialect = db.session.get_bind().dialect.name
    statement, count = _search_statements(dialect, len(words), tuple(values), descending)
    if words:
        values.update(search.parameters(dialect, words))
    values["offset"] = (page - 1) * PER_PAGE
    rows = db.session.execute(statement, values).all()
    has_next = len(rows) > PER_PAGE and page < cap // PER_PAGE
    rows = rows[:PER_PAGE]
    if words:
        total = rows[0].total if rows else db.session.scalar(count, values)
    elif page == 1 and len(rows) < PER_PAGE:
        total = len(rows)  # the whole result is on this page
    else:
        total = db.session.scalar(count, values)
    return {"items": _dicts(rows), "page": page, "per_page": PER_PAGE, "total": min(total, cap),
            "total_is_capped": total > cap, "has_next": has_next}


def mentor(mentor_id: int) -> dict | None:
    row = db.session.execute(published_mentors().where(Mentor.id == mentor_id)).one_or_none()
    return _dicts([row])[0] if row is not None else None


def all_mentors(batch: int = 1000) -> Iterator[dict]:
    """Every published mentor, in name order, streamed in batches (open-data downloads)."""
    last = ("", 0)
    while True:
        rows = db.session.execute(published_mentors().where(sa.tuple_(Mentor.sort_name, Mentor.id) > last)
                                  .order_by(Mentor.sort_name, Mentor.id).limit(batch)).all()
        if not rows:
            return
        yield from _dicts(rows)
        last = (rows[-1].sort_name, rows[-1].id)


def _awards(ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if ids:
        for award in db.session.scalars(sa.select(Award).where(Award.mentor_id.in_(ids))
                                        .order_by(Award.year.desc(), Award.id)):
            found.setdefault(award.mentor_id, []).append(f"{award_label(award)} ({award.year})")
    return found


def _dicts(rows) -> list[dict]:
    awards = _awards([r.id for r in rows if "awards" in r.public_fields.split(",")])
    return [public_dict(r, awards.get(r.id, [])) for r in rows]


def public_dict(row, awards: list[str]) -> dict:
    """Only the fields the mentor's publication consent names (absent keys, not empty values)."""
    fields = set(row.public_fields.split(","))
    item = {"id": row.id}
    if "full_name" in fields:
        item["full_name"] = row.full_name
    if "position" in fields and row.position:
        item["position"] = row.position
    if "organization" in fields:
        item["organization"] = row.organization
        item["municipality"] = row.municipality
    if "category" in fields:
        item["category"] = MENTOR_CATEGORY_LABELS[MentorCategory(row.category)]
    if "forms" in fields:
        item["forms"] = [FORM_LABELS[f] for f in forms_of(row.forms)]
    if "competences" in fields and row.competences:
        item["competences"] = row.competences
    if "achievements" in fields and row.achievements:
        item["achievements"] = row.achievements
    if "awards" in fields:
        item["awards"] = awards
    return item


#: The rank of a mentor's highest award (0 is the highest title), read only for mentors who publish their awards.
BEST_AWARD = (sa.select(sa.func.min(sa.case(*[(Award.title == title, rank) for rank, title in enumerate(AwardTitle)])))
              .where(Award.mentor_id == Mentor.id).scalar_subquery())


def honorary_query() -> sa.Select:
    """Published mentors who agreed to show their awards and have any, with the rank of the highest award."""
    return published_mentors().add_columns(BEST_AWARD.label("best_award")).where(
        Mentor.public_fields.contains("awards"), sa.exists().where(Award.mentor_id == Mentor.id))


def honorary_groups(rows) -> list[dict]:
    """Rows of `honorary_query` as runs of mentors sharing their highest award, in the rows' order."""
    groups: list[dict] = []
    for row, item in zip(rows, _dicts(rows), strict=True):
        title = list(AwardTitle)[row.best_award]
        if not groups or groups[-1]["title"] != title:
            groups.append({"title": title, "mentors": []})
        groups[-1]["mentors"].append(item)
    return groups


def published_practices() -> sa.Select:
    return (sa.select(Practice, Organization.name, Municipality.name)
            .join(Organization, Organization.id == Practice.organization_id)
            .join(Municipality, Municipality.id == Organization.location_municipality_id)
            .where(Practice.status == PracticeStatus.published))


def practices() -> list[dict]:
    rows = db.session.execute(published_practices().order_by(Practice.published_at.desc(), Practice.id)).all()
    return [practice_dict(p, org, mun) for p, org, mun in rows]


def practice(practice_id: int) -> dict | None:
    row = db.session.execute(published_practices().where(Practice.id == practice_id)).one_or_none()
    return practice_dict(*row) if row is not None else None


def practice_dict(p: Practice, organization: str, municipality: str) -> dict:
    return {"id": p.id, "title": p.title, "organization": organization, "municipality": municipality,
            "form": FORM_LABELS[p.form], "role_model": ROLE_MODELS[p.role_model][0] if p.role_model else "",
            "description": p.description, "results": p.results,
            "published_at": p.published_at.date().isoformat() if p.published_at else None}


#: The ИНН as the public list may sort by it: a legal entity's 10 digits; an individual's 12 are never compared
#: (all sort as one empty value, first on every engine), so the order reveals nothing of them.
PUBLIC_INN = sa.case((sa.func.length(Partner.inn) == LEGAL_ENTITY_INN_LENGTH, Partner.inn), else_=sa.literal(""))


def partners() -> list[dict]:
    """Every published partner: name, a legal entity's ИНН, whom they work with."""
    return partner_dicts(db.session.execute(partners_query().order_by(Partner.name, Partner.id)).all())


def partners_query() -> sa.Select:
    """Published partners only: a partner waits for its reviewer (municipality or region) before it is shown."""
    return (sa.select(Partner, Region.name).join(Region, Region.id == Partner.region_id)
            .where(Partner.status == PartnerStatus.published))


def partner_dicts(rows) -> list[dict]:
    """(partner, region) rows with their organizations and mentors provided."""
    published = sa.select(Partner.id).where(Partner.status == PartnerStatus.published)
    ids = [p.id for p, _ in rows]
    agreements = db.session.execute(
        sa.select(PartnerAgreement.partner_id, Organization.name, PartnerAgreement.mentors_provided)
        .join(Organization, Organization.id == PartnerAgreement.organization_id)
        .where(PartnerAgreement.partner_id.in_(published) if len(ids) > 500 else PartnerAgreement.partner_id.in_(ids))
        .order_by(Organization.name)).all() if rows else []
    linked: dict[int, dict] = {}
    for partner_id, org_name, provided in agreements:
        entry = linked.setdefault(partner_id, {"organizations": [], "mentors_provided": 0})
        if org_name not in entry["organizations"]:
            entry["organizations"].append(org_name)
        entry["mentors_provided"] += provided
    return [{"id": p.id, "name": p.name, "inn": p.public_inn,
             "kind": PARTNER_KIND_LABELS.get(p.kind, UNKNOWN_PARTNER_KIND), "region": region,
             **linked.get(p.id, {"organizations": [], "mentors_provided": 0})} for p, region in rows]


def municipalities() -> list[tuple[str, str]]:
    return [tuple(r) for r in db.session.execute(sa.select(Municipality.code, Municipality.name)
                                                 .order_by(Municipality.name))]


def organizations_in(municipality_code: str) -> list[tuple[str, str]]:
    return [tuple(r) for r in db.session.execute(
        sa.select(Organization.code, Organization.name).join(Municipality, Municipality.id ==
                                                             Organization.location_municipality_id)
        .where(Municipality.code == municipality_code).order_by(Organization.name))]
