"""Public pages (no login): mentor search and profiles, honorary gallery, practices, partners, open data."""
import math

from flask import Blueprint, Response, abort, render_template, request, stream_with_context

from hierarchy.models import Municipality, Organization, Region
from registry.core.downloads import content_disposition
from registry.core.listing import Listing, paginate, sort_arg
from registry.core.throttle import by_address
from registry.mentoring.models import Mentor, Partner, Practice
from registry.mentoring.vocab import AWARD_LABELS, FORM_LABELS, MENTOR_CATEGORY_LABELS
from registry.public import opendata, queries

bp = Blueprint("public", __name__, url_prefix="/registry")
by_address("PUBLIC_PAGES_LIMIT", "public-pages")(bp)  # lists and searches; downloads have their own limit below

SECTIONS = (("public.mentor_list", "Наставники"), ("public.honorary", "Почётные наставники"),
            ("public.practice_list", "Лучшие практики"), ("public.partner_list", "Предприятия-партнёры"),
            ("public.open_data", "Открытые данные"))


@bp.context_processor
def _sections():
    return {"sections": SECTIONS}


#: Sort keys of the public lists → columns; only published, consented columns are sortable (an order must not
#: reveal a field a mentor did not agree to show).
MENTOR_SORTS = {"name": ()}  # the search orders by name itself (its capped, index-driven query)
HONORARY_SORTS = {"award": (queries.BEST_AWARD, Mentor.sort_name, Mentor.id), "name": (Mentor.sort_name, Mentor.id)}
PRACTICE_SORTS = {"published": (Practice.published_at, Practice.id), "title": (Practice.title, Practice.id),
                  "organization": (Organization.name, Practice.title, Practice.id),
                  "municipality": (Municipality.name, Organization.name, Practice.id)}
PARTNER_SORTS = {"name": (Partner.name, Partner.id), "inn": (queries.PUBLIC_INN, Partner.name, Partner.id),
                 "kind": (Partner.kind, Partner.name), "region": (Region.name, Partner.name, Partner.id)}


def filters_from(args) -> queries.MentorFilters:
    return queries.MentorFilters(**{name: (args.get(name) or "").strip()[:200]
                                    for name in ("q", "municipality", "organization", "form", "category")})


@bp.get("/")
def mentor_list():
    filters = filters_from(request.args)
    sort = sort_arg(MENTOR_SORTS, "name")
    page = min(max(request.args.get("page", 1, type=int), 1), queries.MAX_PAGE)
    result = queries.search_mentors(filters, page, descending=sort.startswith("-"))
    pages = max(1, math.ceil(result["total"] / queries.PER_PAGE))
    if page > pages:  # past the end: show the last page
        page = pages
        result = queries.search_mentors(filters, page, descending=sort.startswith("-"))
    listing = Listing(rows=result["items"], total=result["total"], page=page, pages=pages, sort=sort)
    return render_template(
        "public/mentor_list.html", filters=filters, result=result, listing=listing, args=filters.as_args(),
        municipalities=queries.municipalities(), forms=FORM_LABELS, categories=MENTOR_CATEGORY_LABELS,
        organizations=queries.organizations_in(filters.municipality) if filters.municipality else [])


@bp.get("/mentors/<int:mentor_id>")
def mentor_detail(mentor_id: int):
    mentor = queries.mentor(mentor_id)
    if mentor is None:
        abort(404)  # never published, withdrawn or unknown: one answer for all
    return render_template("public/mentor_detail.html", mentor=mentor)


@bp.get("/honorary")
def honorary():
    listing = paginate(queries.honorary_query(), HONORARY_SORTS, "award", queries.PER_PAGE)
    groups = queries.honorary_groups(listing.rows)
    if listing.sort != "award":  # in name order the award is on each card; runs of one title would split the page
        groups = [{"title": None, "mentors": [m for g in groups for m in g["mentors"]]}]
    return render_template("public/honorary.html", groups=groups, listing=listing, award_labels=AWARD_LABELS)


@bp.get("/practices")
def practice_list():
    listing = paginate(queries.published_practices(), PRACTICE_SORTS, "-published", queries.PER_PAGE)
    return render_template("public/practice_list.html", listing=listing,
                           practices=[queries.practice_dict(*row) for row in listing.rows])


@bp.get("/practices/<int:practice_id>")
def practice_detail(practice_id: int):
    practice = queries.practice(practice_id)
    if practice is None:
        abort(404)
    return render_template("public/practice_detail.html", practice=practice)


@bp.get("/partners")
def partner_list():
    listing = paginate(queries.partners_query(), PARTNER_SORTS, "name", queries.PER_PAGE)
    return render_template("public/partner_list.html", listing=listing, partners=queries.partner_dicts(listing.rows))


@bp.get("/data")
def open_data():
    return render_template("public/open_data.html", datasets=opendata.DATASET_TITLES)


@bp.get("/data/<dataset>.<fmt>")
@by_address("OPEN_DATA_LIMIT", "open-data")
def download(dataset: str, fmt: str):
    if dataset not in opendata.DATASETS or fmt not in ("csv", "json"):
        abort(404)
    if fmt == "csv":
        body, mimetype = opendata.csv_stream(dataset), "text/csv; charset=utf-8"
    else:
        body, mimetype = opendata.json_stream(dataset), "application/json; charset=utf-8"
    return Response(stream_with_context(body), mimetype=mimetype,
                    headers={"Content-Disposition": content_disposition(f"{dataset}.{fmt}")})
