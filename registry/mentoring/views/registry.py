"""The region's registry of mentors, mentees, pairs and partners across organizations (PRODUCT.md §9): municipal
officials see their organizations, region staff all; filters, search, sort, paging, CSV and XLSX downloads."""
import csv
import io
import tempfile

import openpyxl
import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request, send_file, stream_with_context
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from hierarchy.models import Municipality, Organization
from registry.core.downloads import as_download, no_store
from registry.core.listing import paginate
from registry.extensions import db
from registry.mentoring import access, serialize
from registry.mentoring.models import Mentee, Mentor, MentoringPair, PairMentee, PairMentor, Partner
from registry.mentoring.registry_rows import HEADERS, TITLES, row
from registry.mentoring.vocab import (
    FORM_LABELS,
    MENTEE_CATEGORY_LABELS,
    MENTOR_CATEGORY_LABELS,
    PAIR_STATUS_LABELS,
    PARTNER_KIND_LABELS,
)

bp = Blueprint("people_registry", __name__, url_prefix="/records/registry")
bp.after_request(no_store)  # personal data: never kept by a browser or a proxy
PER_PAGE = 50
#: Up to this many organizations the filter is a drop-down; above it, a field for the organization's code.
ORG_CHOICES_MAX = 300
FILTERS = ("organization", "municipality", "form", "category", "status", "full_cycle", "q")
KINDS = {
    "mentors": (Mentor, access.visible_mentors, {"name": (Mentor.full_name, Mentor.id),
                                                 "organization": (Mentor.organization_id, Mentor.full_name, Mentor.id),
                                                 "category": (Mentor.category, Mentor.full_name, Mentor.id)}),
    "mentees": (Mentee, access.visible_mentees, {"name": (Mentee.full_name, Mentee.id),
                                                 "organization": (Mentee.organization_id, Mentee.full_name, Mentee.id),
                                                 "category": (Mentee.category, Mentee.full_name, Mentee.id)}),
    "pairs": (MentoringPair, access.visible_pairs, {"start": (MentoringPair.start_on, MentoringPair.id),
                                                    "form": (MentoringPair.form, MentoringPair.id),
                                                    "status": (MentoringPair.status, MentoringPair.id)}),
    "partners": (Partner, access.visible_partners, {"name": (Partner.name, Partner.id),
                                                    "inn": (Partner.inn, Partner.id)}),
}
SORT_LABELS = {"mentors": {"name": "по ФИО", "organization": "по организации", "category": "по категории"},
               "mentees": {"name": "по ФИО", "organization": "по организации", "category": "по категории"},
               "pairs": {"start": "по дате начала", "form": "по форме", "status": "по состоянию"},
               "partners": {"name": "по наименованию", "inn": "по ИНН"}}
#: A name search counts its matches up to this many; more are shown as "more than" with a hint to narrow the search.
SEARCH_COUNT_CAP = 10_000
CATEGORIES = {"mentors": MENTOR_CATEGORY_LABELS, "mentees": MENTEE_CATEGORY_LABELS, "partners": PARTNER_KIND_LABELS}


def _scope(region_code: str, kind: str):
    if kind not in KINDS:
        abort(404)
    region = access.registry_region(current_user, region_code)
    filters = {name: request.args.get(name, "").strip() for name in FILTERS}
    model, builder, sorts = KINDS[kind]
    return region, filters, model, builder(current_user, region, filters), sorts


@bp.get("/<region_code>/<kind>")
@login_required
def registry_list(region_code: str, kind: str):
    region, filters, model, query, sorts = _scope(region_code, kind)
    # records and different people in one pass over the scope (a name search reads each of its rows once, not
    # twice, and stops counting after SEARCH_COUNT_CAP: a whole region's count of «Иван» is no use to its reader)
    counted = kind in ("mentors", "mentees")
    cap = SEARCH_COUNT_CAP if counted and filters["q"] else None
    total, distinct = access.record_counts(query, cap) if counted else (None, None)
    capped = cap is not None and total > cap
    # the page's ids first (sorted within the index on organization, name and id, no row read for the rows not
    # shown), then those records with what they show
    listing = paginate(query.with_only_columns(model.id), sorts, next(iter(sorts)), PER_PAGE,
                       total=cap if capped else total)
    records = _page_records(model, [record_id for record_id, in listing.rows])
    # the scope's own conditions on organizations (one index scan), not a join of the table with its id list
    scoped = access.scoped_organizations(current_user, region)
    orgs = _org_choices(scoped, filters["municipality"])
    municipalities = db.session.execute(
        sa.select(Municipality.code, Municipality.name).where(Municipality.id.in_(
            scoped.with_only_columns(Organization.location_municipality_id))).order_by(Municipality.name)).all()
    return render_template(
        "mentoring/registry.html", region=region, kind=kind, kinds=TITLES, headers=HEADERS[kind],
        rows=_rows(kind, records), listing=listing, distinct=distinct, capped=capped, sorts=SORT_LABELS[kind],
        filters=filters, orgs=orgs, orgs_max=ORG_CHOICES_MAX, municipalities=municipalities, forms=FORM_LABELS,
        categories=CATEGORIES.get(kind, {}), statuses=PAIR_STATUS_LABELS if kind == "pairs" else
        {"active": "участвует", "left": "выбыл"} if kind != "partners" else {})


def _org_choices(scoped, municipality_code: str) -> list | None:
    """The organization filter's choices (in the chosen municipality, if any), or None when there are more than
    ORG_CHOICES_MAX: then the filter takes a code (a region's thousands of schools are no drop-down)."""
    query = scoped.with_only_columns(Organization.code, Organization.name)
    if municipality_code:
        query = query.where(Organization.location_municipality_id.in_(
            sa.select(Municipality.id).where(Municipality.code == municipality_code)))
    orgs = db.session.execute(query.order_by(Organization.name, Organization.code).limit(ORG_CHOICES_MAX + 1)).all()
    return orgs if len(orgs) <= ORG_CHOICES_MAX else None


def _rows(kind: str, records: list) -> list[list[str]]:
    """The page's rows; a record without СНИЛС sharing name and birth date with another is marked."""
    duplicates = serialize.possible_duplicates(records) if kind in ("mentors", "mentees") else set()
    rows = []
    for record in records:
        cells = row(current_user, kind, record)
        if record.id in duplicates:
            cells[0] += " (возможный дубль: те же ФИО и дата рождения)"
        rows.append(cells)
    return rows


def _page_records(model, ids: list[int]) -> list:
    """The records of these ids in this order, loaded with what a row shows."""
    found = {r.id: r for r in db.session.scalars(_loading(sa.select(model).where(model.id.in_(ids)), model))} \
        if ids else {}
    return [found[record_id] for record_id in ids]


def _records(query, model):
    """Every record of the query in id order, fetched 500 at a time with what a row shows (one query per batch, not
    per row): memory stays flat for any size."""
    yield from db.session.scalars(_loading(query, model).order_by(model.id).execution_options(yield_per=500))


def _loading(query, model):
    """The query loading what a row shows (organization, municipality, person, a pair's people) in one query per
    page or batch, not one per row."""
    if model is Partner:
        return query
    options = [selectinload(model.organization).selectinload(Organization.location)]
    if model in (Mentor, Mentee):
        options.append(selectinload(model.person))
    else:
        options += [selectinload(MentoringPair.mentor_links).selectinload(PairMentor.mentor)
                    .selectinload(Mentor.organization),
                    selectinload(MentoringPair.mentee_links).selectinload(PairMentee.mentee)
                    .selectinload(Mentee.organization)]
    return query.options(*options)


@bp.get("/<region_code>/<kind>.<fmt>")
@login_required
def registry_download(region_code: str, kind: str, fmt: str):
    """The whole filtered list, streamed: CSV row by row, XLSX through openpyxl's write-only workbook."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    region, _, model, query, _ = _scope(region_code, kind)
    user = current_user._get_current_object()
    name = f"Реестр {region.code} {TITLES[kind].lower()}.{fmt}"
    if fmt == "csv":
        def lines():
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=";")
            yield "\ufeff"
            for values in ([HEADERS[kind]], *([row(user, kind, r)] for r in _records(query, model))):
                writer.writerows(values)
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        response = Response(stream_with_context(lines()), mimetype="text/csv")
        return as_download(response, name)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(TITLES[kind])
    sheet.append(list(HEADERS[kind]))
    for record in _records(query, model):
        sheet.append(row(user, kind, record))
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once sent
    book.save(spool)
    spool.seek(0)
    response = send_file(spool, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return as_download(response, name)
