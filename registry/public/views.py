"""Public pages (no login): mentor search and profiles, honorary gallery, practices, partners, open data."""
from flask import Blueprint, Response, abort, render_template, request, stream_with_context

from registry.mentoring.vocab import AWARD_LABELS, FORM_LABELS, MENTOR_CATEGORY_LABELS
from registry.public import opendata, queries

bp = Blueprint("public", __name__, url_prefix="/registry")

SECTIONS = (("public.mentor_list", "Наставники"), ("public.honorary", "Почётные наставники"),
            ("public.practice_list", "Лучшие практики"), ("public.partner_list", "Предприятия-партнёры"),
            ("public.open_data", "Открытые данные"))


@bp.context_processor
def _sections():
    return {"sections": SECTIONS}


def filters_from(args) -> queries.MentorFilters:
    return queries.MentorFilters(**{name: (args.get(name) or "").strip()[:200]
                                    for name in ("q", "municipality", "organization", "form", "category")})


@bp.get("/")
def mentor_list():
    filters = filters_from(request.args)
    page = min(max(request.args.get("page", 1, type=int), 1), queries.MAX_PAGE)
    result = queries.search_mentors(filters, page)
    return render_template(
        "public/mentor_list.html", filters=filters, result=result, args=filters.as_args(),
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
    return render_template("public/honorary.html", groups=queries.honorary(), award_labels=AWARD_LABELS)


@bp.get("/practices")
def practice_list():
    return render_template("public/practice_list.html", practices=queries.practices())


@bp.get("/practices/<int:practice_id>")
def practice_detail(practice_id: int):
    practice = queries.practice(practice_id)
    if practice is None:
        abort(404)
    return render_template("public/practice_detail.html", practice=practice)


@bp.get("/partners")
def partner_list():
    return render_template("public/partner_list.html", partners=queries.partners())


@bp.get("/data")
def open_data():
    return render_template("public/open_data.html", datasets=opendata.DATASET_TITLES)


@bp.get("/data/<dataset>.<fmt>")
def download(dataset: str, fmt: str):
    if dataset not in opendata.DATASETS or fmt not in ("csv", "json"):
        abort(404)
    if fmt == "csv":
        body, mimetype = opendata.csv_stream(dataset), "text/csv; charset=utf-8"
    else:
        body, mimetype = opendata.json_stream(dataset), "application/json; charset=utf-8"
    return Response(stream_with_context(body), mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={dataset}.{fmt}"})
