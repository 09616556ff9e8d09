"""API v1: a unit's statistics form as a file (PRODUCT.md §7), scoped like every other read."""
from io import BytesIO

from flask import send_file
from marshmallow import validate

from exports.access import authorized_unit
from exports.builders.federal_form import file_name, form_for_unit
from exports.catalog import FORM_FORMATS, get_form
from monitoring.api.common import CAMPAIGN_URL, campaign_or_404
from monitoring.schemas import QuerySchema, Str
from registry.core.api import ApiBlueprint, current_actor

api_bp = ApiBlueprint("exports_api", __name__, description="Федеральная статистическая форма: PDF, XLSX, CSV, XML.")


class FederalFormQuerySchema(QuerySchema):
    unit = Str(required=True, metadata={"description": "Код организации, муниципалитета или региона."})
    format = Str(load_default="pdf",
                 validate=validate.OneOf(list(FORM_FORMATS), error="Допустимы: pdf, xlsx, csv, xml."),
                 metadata={"description": "pdf, xlsx, csv (UTF-8 с BOM, «;») или xml (exports/forms/report.xsd)."})
    form = Str(load_default=None, metadata={"description": "Код макета формы; по умолчанию встроенный."})


@api_bp.route(f"{CAMPAIGN_URL}/federal-form", methods=["GET"])
@api_bp.arguments(FederalFormQuerySchema, location="query")
@api_bp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream",
                 description="Файл формы; тип содержимого — по формату (application/pdf, …/spreadsheetml.sheet, "
                             "text/csv, application/xml).")
def federal_form(args: dict, region_code: str, year: int):
    """Федеральная статистическая форма подразделения за год: из зафиксированного среза, а без него — из текущих
    данных с пометкой «предварительные». Куратор — своя организация; муниципалитет — он сам и его организации;
    регион — все."""
    campaign = campaign_or_404(region_code, year)
    unit, member = authorized_unit(current_actor(), campaign, args["unit"])
    form = form_for_unit(campaign, unit, get_form(args.get("form")), member)
    spec = FORM_FORMATS[args["format"]]
    response = send_file(BytesIO(spec.render(form)), mimetype=spec.mimetype, as_attachment=True,
                         download_name=file_name(form, spec.extension), max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Form-Checksum"] = form.checksum
    response.headers["X-Form-Preliminary"] = "true" if form.basis.preliminary else "false"
    return response
