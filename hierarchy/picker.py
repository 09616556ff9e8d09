"""Choosing a unit by its name wherever a form asks for a unit code.

Works without JavaScript: a GET search (`q`) lists the matching units as radio buttons of the form; the code field
itself also takes a unit's exact name. Up to SMALL units (a region's) are compared in Python (casefold); a larger
choice (an administrator's: every unit of the country) is searched in SQL (`fold`, Cyrillic-aware on both engines)
and never loaded whole.
"""
import re
from dataclasses import dataclass

import sqlalchemy as sa

from hierarchy.models import Level, Municipality, Organization, Region
from registry.core.listing import fold
from registry.extensions import db

KIND_NAMES = {Level.region: "регион", Level.municipality: "муниципалитет", Level.organization: "организация"}
#: How many matches a search lists (a longer list is narrowed by typing more of the name).
LIMIT = 20
#: Up to this many units in scope are loaded and compared in Python; above it the database searches.
SMALL = 5000
#: The code at the end of a label (as the datalist fills the field): "…; код 27-KHV)".
_LABEL_CODE = re.compile(r";\s*код\s+(\S+)\)\s*$")


@dataclass(frozen=True)
class Choice:
    """One unit offered to choose from: its code (the value sent), name and what it is."""

    code: str
    name: str
    level: Level
    parent: str = ""

    @property
    def label(self) -> str:
        where = f", {self.parent}" if self.parent else ""
        return f"{self.name} ({KIND_NAMES[self.level]}{where}; код {self.code})"


def _norm(text: str) -> str:
    return " ".join(str(text).casefold().replace("ё", "е").replace("«", "").replace("»", "").replace('"', "").split())


def _queries(*, region_id: int | None, levels: tuple[Level, ...], municipality_id: int | None = None):
    """(level, SELECT code, name, parent name, name column, code column) for each level in scope."""
    found = []
    if Level.region in levels and municipality_id is None:
        query = sa.select(Region.code, Region.name, sa.literal("").label("parent"))
        if region_id is not None:
            query = query.where(Region.id == region_id)
        found.append((Level.region, query, Region.name, Region.code))
    if Level.municipality in levels:
        query = sa.select(Municipality.code, Municipality.name, sa.literal("").label("parent"))
        if region_id is not None:
            query = query.where(Municipality.region_id == region_id)
        if municipality_id is not None:
            query = query.where(Municipality.id == municipality_id)
        found.append((Level.municipality, query, Municipality.name, Municipality.code))
    if Level.organization in levels:
        query = sa.select(Organization.code, Organization.name, Municipality.name).join(
            Municipality, Municipality.id == Organization.location_municipality_id)
        if region_id is not None:
            query = query.where(Organization.region_id == region_id)
        if municipality_id is not None:
            query = query.where(Organization.location_municipality_id == municipality_id)
        found.append((Level.organization, query, Organization.name, Organization.code))
    return found


def _rows(queries, condition=None) -> list[Choice]:
    found = []
    for level, query, name, code in queries:
        if condition is not None:
            query = query.where(condition(name, code))
        found += [Choice(c, n, level, parent or "") for c, n, parent in db.session.execute(query)]
    return sorted(found, key=lambda c: (_norm(c.name), c.code))


def count(**scope) -> int:
    """How many units of these levels are in scope (one COUNT per level, nothing loaded)."""
    return sum(db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
               for _level, query, _name, _code in _queries(**scope))


def choices(*, region_id: int | None, levels: tuple[Level, ...], municipality_id: int | None = None) -> list[Choice]:
    """Every unit of these levels (in the region; under one municipality if given), sorted by name."""
    return _rows(_queries(region_id=region_id, levels=levels, municipality_id=municipality_id))


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _sql_matching(text: str):
    """A condition for a large scope: every word in the name (case and ё folded in SQL), or the text in the code."""
    words, whole = _norm(text).split(), _norm(text)

    def condition(name, code):
        folded = sa.func.replace(fold(name), "ё", "е")
        return sa.or_(sa.and_(*(folded.like(_like(w), escape="\\") for w in words)),
                      fold(code).like(_like(whole), escape="\\"))
    return condition


def search(text: str, size: int | None = None, **scope) -> tuple[list[Choice], int]:
    """Units whose name (every word typed, in any order) or code contains the query: (the first LIMIT, how many).
    `size`: how many units are in scope, if the caller counted them already."""
    words = _norm(text).split()
    if not words:
        return [], 0
    if (count(**scope) if size is None else size) > SMALL:
        # one scan per level: the first LIMIT matches and, beside each, how many match
        condition, found, total = _sql_matching(text), [], 0
        for level, query, name, code in _queries(**scope):
            rows = db.session.execute(query.add_columns(sa.func.count().over()).where(condition(name, code))
                                      .order_by(name, code).limit(LIMIT)).all()
            found += [Choice(c, n, level, parent or "") for c, n, parent, _ in rows]
            total += rows[0][3] if rows else 0
        return sorted(found, key=lambda c: (_norm(c.name), c.code))[:LIMIT], total
    matched = [c for c in choices(**scope)
               if all(w in _norm(c.name) for w in words) or _norm(text) in c.code.casefold()]
    return matched[:LIMIT], len(matched)


def _candidates(text: str, **scope) -> list[Choice]:
    """The units `text` may name: all of a small scope; of a large one, those with this code (or the code in a
    label) or every word of the text in the name."""
    if count(**scope) <= SMALL:
        return choices(**scope)
    label = _LABEL_CODE.search(text)
    codes = {text, label.group(1)} if label else {text}
    words = _norm(_LABEL_CODE.sub("", text)).split()

    def condition(name, code):
        folded = sa.func.replace(fold(name), "ё", "е")
        named = sa.and_(*(folded.like(_like(w), escape="\\") for w in words)) if words else sa.false()
        return sa.or_(code.in_(codes), named)
    return _rows(_queries(**scope), condition)


def resolve(text: str, **scope) -> str:
    """What a code field holds → a unit code: the code as typed, or the code of the one unit with exactly this name
    (or label, as a datalist fills it). Unknown text is returned as typed, for the caller's "not found" message."""
    text = text.strip()
    if not text:
        return text
    units = _candidates(text, **scope)
    if any(c.code == text for c in units):
        return text
    named = [c for c in units if _norm(c.name) == _norm(text) or _norm(c.label) == _norm(text)]
    return named[0].code if len(named) == 1 else text


def picked(form, field: str) -> str:
    """The chosen code: a radio button of the search results or the typed field (both carry the field's name)."""
    return next((v.strip() for v in form.getlist(field) if v.strip()), "")


#: Up to this many units are also offered in a <datalist> (typing a name suggests the code; no JavaScript needed).
DATALIST_MAX = 300


@dataclass
class Picker:
    """What the picker macros (templates/_macros/picker.html) show for one code field."""

    field: str
    q: str = ""
    #: The search's query parameter (a page with a search of its own names it differently).
    param: str = "q"
    matches: list[Choice] | None = None
    total: int = 0
    options: list[Choice] | None = None


def picker(field: str, q: str, param: str = "q", **scope) -> Picker:
    """The picker for `field`: the search results for `q` (if any) and the datalist options."""
    q = (q or "").strip()[:100]
    size = count(**scope)
    matches, total = search(q, size, **scope) if q else ([], 0)
    options = choices(**scope) if size <= DATALIST_MAX else []
    return Picker(field, q, param, matches, total, options)
