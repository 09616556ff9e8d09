"""Full-text mentor search: one implementation per engine in `ENGINES`, and the name prefix.

A mentor matches when either
- every query word is present (AND) in `mentors.search_text`, the normalised (lower-case, ё→е) text of consented
  fields only:
  - PostgreSQL: the GIN index on the stored to_tsvector('russian', search_text); a word matches by its
    Russian stem, so other forms of a word match too («учителя» finds «учитель»);
  - SQLite: the FTS5 table `mentor_search` (unicode61 tokenizer), every word as a prefix («робот» finds
    «робототехника»); no stemming;
- or the published name begins with the query as it is being typed, surname first («ива» finds «Иванова
  Мария», «иванова ма» too): `sort_name LIKE 'ива%'`, over the normalised name, which is set
  only when the mentor consented to publish it. PostgreSQL reads it from the btree `ix_mentors_name_prefix`
  (varchar_pattern_ops, so any database collation can range-scan a prefix; the municipality and organization
  filters are checked inside it); SQLite reads the same prefix as a range of its (is_public, sort_name) index.
Query words are reduced to letters and digits first, so no query syntax from the user reaches either engine,
and no LIKE wildcard either.
"""
import sqlalchemy as sa

from hierarchy.models import Municipality, Organization
from registry.mentoring.models import Mentor
from registry.mentoring.models.people import SEARCH_CONFIG
from registry.mentoring.publication import NAMELESS_SORT
from registry.mentoring.vocab import FORM_BITS, Form, MentorCategory

_RUSSIAN = sa.literal_column(f"'{SEARCH_CONFIG}'::regconfig")

# The conditions below hold bind parameters, not the words: the statement built from them is the same for every
# query of as many words, so registry.public.queries builds it once and passes `parameters(...)` at execution.


def _postgresql(count: int) -> sa.ColumnElement[bool]:
    # every word by its Russian stem: «иванова» → иванов (Иванов, Иванова, Ивановой), «учителя» → учитель.
    # No prefixes: a prefix of a stem is far too broad («анна» stems to «ан», and «ан:*» matches Андрей), and
    # a prefix of the typed word makes the index read whole families of posting lists on common names.
    query = None
    for i in range(count):
        term = sa.func.to_tsquery(_RUSSIAN, sa.bindparam(f"w{i}", type_=sa.String))
        query = term if query is None else query.op("&&")(term)
    return Mentor.search_vector.op("@@")(query)


def _sqlite(_count: int) -> sa.ColumnElement[bool]:
    matched = (sa.select(sa.literal_column("rowid")).select_from(sa.table("mentor_search"))
               .where(sa.text("mentor_search MATCH :fts").bindparams(sa.bindparam("fts", type_=sa.String))))
    return Mentor.id.in_(matched)


ENGINES = {"postgresql": _postgresql, "sqlite": _sqlite}


def name_prefix(dialect: str) -> sa.ColumnElement[bool]:
    """Published mentors whose published name begins with the words as typed (the last one may be unfinished).

    `is_public` is repeated here (the partial index's own condition)."""
    return sa.and_(Mentor.is_public == sa.true(), begins(dialect, Mentor.sort_name))


def begins(dialect: str, sort_name) -> sa.ColumnElement[bool]:
    """`sort_name` (Mentor.sort_name, or the same column of a subquery) begins with the words as typed; a mentor who
    did not publish the name has the sort key NAMELESS_SORT, which no prefix may match."""
    if dialect == "sqlite":
        # SQLite's LIKE ignores ASCII case, so it never reads an index; the same prefix (the stored name is
        # lower-case, compared byte by byte) as a range of ix_mentors_public_order (is_public, sort_name, id)
        begun = sa.and_(sort_name >= sa.bindparam("prefix_from", type_=sa.String),
                        sort_name < sa.bindparam("prefix_to", type_=sa.String))
    else:
        begun = sort_name.like(sa.bindparam("prefix_like", type_=sa.String))
    return sa.and_(begun, sort_name != NAMELESS_SORT)


#: The filters a search may combine; each is a bind parameter of the statement, named after the filter.
FILTER_NAMES = ("municipality", "organization", "form", "category")


def conditions(filters: tuple[str, ...]) -> list:
    """Filters on the consented projection only, one bind parameter each (named after the filter)."""
    conditions = [Mentor.is_public.is_(True)]
    # codes are resolved inside the query (one round trip); an unknown code gives NULL, which matches nothing
    if "municipality" in filters:
        conditions.append(Mentor.public_municipality_id == sa.select(Municipality.id).where(
            Municipality.code == sa.bindparam("municipality", type_=sa.String)).scalar_subquery())
    if "organization" in filters:
        conditions.append(Mentor.public_organization_id == sa.select(Organization.id).where(
            Organization.code == sa.bindparam("organization", type_=sa.String)).scalar_subquery())
    if "form" in filters:
        conditions.append(Mentor.public_forms.op("&")(sa.bindparam("form", type_=sa.Integer)) != 0)
    if "category" in filters:
        conditions.append(Mentor.public_category == sa.bindparam("category"))
    return conditions


def filter_values(filters) -> dict | None:
    """The bind parameter values of a MentorFilters' filters; None when a filter names nothing that exists."""
    values = {name: getattr(filters, name) for name in FILTER_NAMES if getattr(filters, name)}
    if "form" in values:
        if values["form"] not in Form.__members__:
            return None
        values["form"] = FORM_BITS[Form(values["form"])]
    if "category" in values and values["category"] not in MentorCategory.__members__:
        return None
    return values


def parameters(dialect: str, words: list[str]) -> dict[str, str]:
    """The values of the bind parameters of `ENGINES[dialect](len(words))` and the name prefix for these words."""
    prefix = " ".join(words)
    if dialect == "sqlite":
        return {"fts": " ".join(f'"{w}"*' for w in words), "prefix_from": prefix, "prefix_to": prefix + "\U0010ffff"}
    return {**{f"w{i}": word for i, word in enumerate(words)}, "prefix_like": f"{prefix}%"}
