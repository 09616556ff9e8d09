"""Paging and sorting of list pages: the one way every table reads ?page= and ?sort= (one count + one page query)."""
import math
import sqlite3
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, request, url_for
from sqlalchemy.ext.compiler import compiles

from registry.extensions import db


@dataclass
class Listing:
    """One page of a sorted list and what the template needs to draw headers and the pager."""

    rows: list
    total: int
    page: int
    pages: int
    sort: str  #: the sort key in effect; a leading "-" means descending
    prefix: str = ""  #: query argument prefix, so two lists on one page page independently

    def page_url(self, page: int) -> str:
        return url_with(**{self.prefix + "page": page})

    def sort_url(self, key: str) -> str:
        """Sort by `key`; a second click on the current key reverses the order."""
        return url_with(**{self.prefix + "sort": "-" + key if self.direction(key) == "ascending" else key})

    def direction(self, key: str) -> str | None:
        """"ascending" / "descending" when the list is sorted by `key` (for aria-sort), else None."""
        if self.sort.lstrip("-") != key:
            return None
        return "descending" if self.sort.startswith("-") else "ascending"


def sort_arg(sorts: dict, default: str, prefix: str = "") -> str:
    """The requested sort key when it is one of `sorts` (optionally with "-"), otherwise `default`."""
    raw = request.args.get(prefix + "sort", "")
    return raw if raw.lstrip("-") in sorts else default


def paginate(query: sa.Select, sorts: dict[str, tuple], default: str, per_page: int, prefix: str = "",
             total: int | None = None) -> Listing:
    """Order `query` by the requested key (ties broken by the key's later columns), count it (unless the caller
    already counted it with other figures: `total`), cut one page."""
    key = sort_arg(sorts, default, prefix)
    descending = key.startswith("-")
    # empty values last in both directions, the same on SQLite and PostgreSQL
    order = [(column.desc() if descending else column.asc()).nulls_last() for column in sorts[key.lstrip("-")]]
    if total is None:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, math.ceil(total / per_page))
    page = min(max(request.args.get(prefix + "page", 1, type=int), 1), pages)
    rows = db.session.execute(query.order_by(*order).limit(per_page).offset((page - 1) * per_page)).all()
    return Listing(rows=list(rows), total=total, page=page, pages=pages, sort=key, prefix=prefix)


def paginate_list(items: list, per_page: int, prefix: str = "") -> Listing:
    """One page of a list already in memory and in its order (e.g. the missing units frozen in a snapshot)."""
    pages = max(1, math.ceil(len(items) / per_page))
    page = min(max(request.args.get(prefix + "page", 1, type=int), 1), pages)
    return Listing(rows=items[(page - 1) * per_page:page * per_page], total=len(items), page=page, pages=pages,
                   sort="", prefix=prefix)


def links_to(endpoint: str, **view_args) -> None:
    """Point this response's sort and page links at `endpoint`: a page shown again by a form action that failed
    (a POST to …/return) must link to the page itself, not to the action, which answers GET with 405."""
    g.listing_page = (endpoint, view_args)


def url_with(**changes) -> str:
    """This page's URL with some query arguments changed; None drops one (a new sort or filter resets paging)."""
    endpoint, view_args = g.get("listing_page") or (request.endpoint, request.view_args or {})
    args = request.args.to_dict()
    args.update(changes)
    if not any(key.endswith("page") for key in changes):
        for key in [k for k in args if k.endswith("page")]:
            args.pop(key)
    return url_for(endpoint, **view_args,
                   **{key: value for key, value in args.items() if value not in (None, "")})


#: The longest search text a list reads from ?q= (more is cut, not refused).
SEARCH_MAX_LENGTH = 200


def search_arg(name: str = "q") -> str:
    """The list's search text (?q=), stripped and cut to SEARCH_MAX_LENGTH."""
    return " ".join(request.args.get(name, "").split())[:SEARCH_MAX_LENGTH]


class fold(sa.sql.functions.GenericFunction):  # noqa: N801 - SQL function style
    """Lower-case text for a case-insensitive search: PostgreSQL's lower() knows Cyrillic; SQLite's lower() knows only
    ASCII, so SQLite gets Python's str.lower (registered on each connection below)."""

    type = sa.String()
    inherit_cache = True


@compiles(fold)
def _fold_default(element, compiler, **kw):
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(fold, "sqlite")
def _fold_sqlite(element, compiler, **kw):
    return f"registry_fold({compiler.process(element.clauses, **kw)})"


@sa.event.listens_for(sa.engine.Engine, "connect")
def _register_fold(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("registry_fold", 1, lambda v: v.lower() if isinstance(v, str) else v,
                                         deterministic=True)


def name_matches(text: str, *columns) -> sa.ColumnElement[bool]:
    """A condition: any of `columns` contains `text`, ignoring case (LIKE wildcards in `text` are literal)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.or_(*(fold(column).like(f"%{escaped}%", escape="\\") for column in columns))


def text_matches(text: str, *values: str | None) -> bool:
    """The same test as `name_matches`, for rows already in memory (e.g. a snapshot's missing list)."""
    wanted = text.lower()
    return any(wanted in (value or "").lower() for value in values)


def same_filters_url(endpoint: str, **view_args) -> str:
    """`endpoint` with this page's filters, search and sort but no paging (a list's download of every row)."""
    args = {key: value for key, value in request.args.items() if not key.endswith("page") and value != ""}
    return url_for(endpoint, **view_args, **args)
