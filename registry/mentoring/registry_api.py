"""API v1: the region's registry of mentors and mentees across organizations (PRODUCT.md §9), for municipal
officials (their organizations) and region staff (all), with totals by organizations and distinct persons."""
from registry.core.api import ApiBlueprint, current_actor
from registry.extensions import db
from registry.mentoring import access, serialize
from registry.mentoring.api_schemas import RegistryPageSchema, RegistryQuerySchema
from registry.mentoring.models import Mentee, Mentor

api_bp = ApiBlueprint("registry_api", __name__, description="Реестр наставников и наставляемых региона.")
PER_PAGE = 100


def _page(query, model, args: dict) -> dict:
    user = current_actor()
    rows = list(db.session.scalars(serialize.loading(query, model).order_by(model.full_name, model.id)
                                   .limit(PER_PAGE).offset((args["page"] - 1) * PER_PAGE)))
    total, distinct = access.record_counts(query)
    return {"items": serialize.people(user, rows), "total": total, "distinct_persons": distinct,
            "page": args["page"]}


@api_bp.route("/regions/<region_code>/registry/mentors", methods=["GET"])
@api_bp.arguments(RegistryQuerySchema, location="query")
@api_bp.response(200, RegistryPageSchema)
def registry_mentors(args: dict, region_code: str):
    """Наставники организаций вашей области (муниципалитет — свои организации, регион — все), по 100 на
    странице; total — записей по организациям, distinct_persons — различных людей (по СНИЛС)."""
    region = access.registry_region(current_actor(), region_code)
    return _page(access.visible_mentors(current_actor(), region, args), Mentor, args)


@api_bp.route("/regions/<region_code>/registry/mentees", methods=["GET"])
@api_bp.arguments(RegistryQuerySchema, location="query")
@api_bp.response(200, RegistryPageSchema)
def registry_mentees(args: dict, region_code: str):
    """Наставляемые организаций вашей области; form — наставляемые пар этой формы. Никогда не публичны."""
    region = access.registry_region(current_actor(), region_code)
    return _page(access.visible_mentees(current_actor(), region, args), Mentee, args)
