"""Full-text mentor search: one implementation per engine behind `alternatives(words)`.

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
  (varchar_pattern_ops, so any database collation can range-scan a prefix); SQLite reads the same prefix as a
  range of its (is_public, sort_name) index.
Query words are reduced to letters and digits first, so no query syntax from the user reaches either engine,
and no LIKE wildcard either.
"""
import sqlalchemy as sa

from registry.extensions import db
from registry.mentoring.models import Mentor
from registry.mentoring.models.people import SEARCH_CONFIG
from registry.mentoring.publication import NAMELESS_SORT

_RUSSIAN = sa.literal_column(f"'{SEARCH_CONFIG}'::regconfig")


def _postgresql(words: list[str]) -> sa.ColumnElement[bool]:
    # every word by its Russian stem: «иванова» → иванов (Иванов, Иванова, Ивановой), «учителя» → учитель.
    # No prefixes: a prefix of a stem is far too broad («анна» stems to «ан», and «ан:*» matches Андрей), and
    # a prefix of the typed word makes the index read whole families of posting lists on common names.
    query = None
    for i, word in enumerate(words):
        term = sa.func.to_tsquery(_RUSSIAN, sa.bindparam(f"w{i}", word))
        query = term if query is None else query.op("&&")(term)
    return Mentor.search_vector.op("@@")(query)


def _sqlite(words: list[str]) -> sa.ColumnElement[bool]:
    fts = " ".join(f'"{w}"*' for w in words)
    matched = (sa.select(sa.literal_column("rowid")).select_from(sa.table("mentor_search"))
               .where(sa.text("mentor_search MATCH :fts").bindparams(fts=fts)))
    return Mentor.id.in_(matched)


ENGINES = {"postgresql": _postgresql, "sqlite": _sqlite}


def name_prefix(words: list[str]) -> sa.ColumnElement[bool]:
    """Published mentors whose published name begins with the words as typed (the last one may be unfinished).

    `is_public` is repeated here (the partial index's own condition); a mentor who did not publish the name has
    the sort key NAMELESS_SORT, which no prefix may match."""
    prefix = " ".join(words)
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite's LIKE ignores ASCII case, so it never reads an index; the same prefix (the stored name is
        # lower-case, compared byte by byte) as a range of ix_mentors_public_order (is_public, sort_name, id)
        begins = sa.and_(Mentor.sort_name >= prefix, Mentor.sort_name < prefix + "\U0010ffff")
    else:
        begins = Mentor.sort_name.like(f"{prefix}%")
    return sa.and_(Mentor.is_public == sa.true(), begins, Mentor.sort_name != NAMELESS_SORT)


def alternatives(words: list[str]) -> list[sa.ColumnElement[bool]]:
    """The ways a mentor matches the words (any one is enough): the engine's word search, the name prefix. Each is
    queried on its own (its own index, its own cap) and the results are united: an OR of the two would make
    PostgreSQL build one bitmap of every mentor whose name begins with «ива» before reading the first row."""
    dialect = db.session.get_bind().dialect.name
    return [ENGINES[dialect](words), name_prefix(words)]
