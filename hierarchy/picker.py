"""Choosing a unit by its name wherever a form asks for a unit code.

Works without JavaScript: a GET search (`q`) lists the matching units as radio buttons of the form; the code field
itself also takes a unit's exact name. Names are compared in Python (casefold), because SQLite's LOWER/LIKE ignore
the case of ASCII letters only, and a region has at most a few thousand units.
"""
from dataclasses import dataclass

import sqlalchemy as sa

from hierarchy.models import Level, Municipality, Organization, Region
from registry.extensions import db

KIND_NAMES = {Level.region: "регион", Level.municipality: "муниципалитет", Level.organization: "организация"}
#: How many matches a search lists (a longer list is narrowed by typing more of the name).
LIMIT = 20


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


def choices(*, region_id: int | None, levels: tuple[Level, ...], municipality_id: int | None = None) -> list[Choice]:
    """Every unit of these levels (in the region; under one municipality if given), sorted by name."""
    found: list[Choice] = []
    if Level.region in levels and municipality_id is None:
        query = sa.select(Region.code, Region.name)
        if region_id is not None:
            query = query.where(Region.id == region_id)
        found += [Choice(code, name, Level.region) for code, name in db.session.execute(query)]
    if Level.municipality in levels:
        query = sa.select(Municipality.code, Municipality.name)
        if region_id is not None:
            query = query.where(Municipality.region_id == region_id)
        if municipality_id is not None:
            query = query.where(Municipality.id == municipality_id)
        found += [Choice(code, name, Level.municipality) for code, name in db.session.execute(query)]
    if Level.organization in levels:
        query = sa.select(Organization.code, Organization.name, Municipality.name).join(
            Municipality, Municipality.id == Organization.location_municipality_id)
        if region_id is not None:
            query = query.where(Organization.region_id == region_id)
        if municipality_id is not None:
            query = query.where(Organization.location_municipality_id == municipality_id)
        found += [Choice(code, name, Level.organization, parent) for code, name, parent in db.session.execute(query)]
    return sorted(found, key=lambda c: (_norm(c.name), c.code))


def search(text: str, **scope) -> tuple[list[Choice], int]:
    """Units whose name (every word typed, in any order) or code contains the query: (the first LIMIT, how many)."""
    words = _norm(text).split()
    if not words:
        return [], 0
    matched = [c for c in choices(**scope)
               if all(w in _norm(c.name) for w in words) or _norm(text) in c.code.casefold()]
    return matched[:LIMIT], len(matched)


def resolve(text: str, **scope) -> str:
    """What a code field holds → a unit code: the code as typed, or the code of the one unit with exactly this name
    (or label, as a datalist fills it). Unknown text is returned as typed, for the caller's "not found" message."""
    text = text.strip()
    if not text:
        return text
    units = choices(**scope)
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
    matches, total = search(q, **scope) if q else ([], 0)
    everything = choices(**scope)
    return Picker(field, q, param, matches, total, everything if len(everything) <= DATALIST_MAX else [])
