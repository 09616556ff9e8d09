"""API v1: a unit's statistics form as a file (PRODUCT.md §7) and the stored form sets, scoped like every other
read."""
from io import BytesIO

from flask import send_file, url_for
from marshmallow import Schema, fields, validate

from exports import set_scope, stored_files
from exports.access import authorized_unit
from exports.builders.federal_form import file_name, form_for_unit
from exports.catalog import FORM_FORMATS, get_form
from exports.models import FormSet
from exports.stored_files import download_name
from hierarchy.permissions import can_work_in_region
from monitoring.access import load_campaign
from monitoring.api.common import CAMPAIGN_URL
from registry.core.api import ApiBlueprint, current_actor
from registry.core.clock import now_utc
from registry.core.downloads import as_download
from registry.core.permissions import require
from registry.core.schemas import QuerySchema, Str

api_bp = ApiBlueprint("exports_api", __name__, description="Федеральная статистическая форма: PDF, XLSX, CSV, XML.")


class FederalFormQuerySchema(QuerySchema):
    unit = Str(required=True, metadata={"description": "Код организации, муниципалитета или региона."})
    format = Str(load_default="pdf",
                 validate=validate.OneOf(list(FORM_FORMATS), error="Допустимы: pdf, xlsx, csv, xml."),
                 metadata={"description": "pdf, xlsx, csv (UTF-8 с BOM, «;») или xml (exports/forms/report.xsd)."})
    form = Str(load_default=None, metadata={"description": "Код макета формы; по умолчанию встроенный."})
    set = fields.Integer(load_default=None, error_messages={"invalid": "Нужно целое число."}, metadata={
        "description": "Набор сохранённых форм (версия среза); по умолчанию — набор среза, из которого форма "
                       "читается сейчас."})


@api_bp.route(f"{CAMPAIGN_URL}/federal-form", methods=["GET"])
@api_bp.arguments(FederalFormQuerySchema, location="query")
@api_bp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream",
                 description="Файл формы; тип содержимого — по формату (application/pdf, …/spreadsheetml.sheet, "
                             "text/csv, application/xml).")
def federal_form(args: dict, region_code: str, year: int):
    """Федеральная статистическая форма подразделения за год: сохранённый файл из зафиксированного среза (байт в байт,
    заголовок X-File-SHA256), а без него — из текущих данных с пометкой «предварительные». Куратор — своя
    организация; муниципалитет — он сам и его организации; регион — все."""
    campaign = load_campaign(region_code, year)
    unit, member = authorized_unit(current_actor(), campaign, args["unit"])
    definition, spec = get_form(args.get("form")), FORM_FORMATS[args["format"]]
    stored = stored_files.stored_for(campaign, unit, args["format"], definition.code, args.get("set"))
    if stored is not None:  # the file stored from the frozen snapshot, byte for byte
        # a damaged file is marked for the builder (the request commits it) before it is replaced here
        data = stored_files.read_stored(stored, now_utc())
        data = data if data is not None else stored_files.fresh_render(stored)
        response = _file(data, spec.mimetype, download_name(stored, campaign))
        response.headers["X-Form-Checksum"] = stored.values_checksum
        response.headers["X-Form-Preliminary"] = "false"
        response.headers["X-Form-Set"] = str(stored.set_id)
        response.headers["X-File-SHA256"] = stored.sha256
        return response
    form = form_for_unit(campaign, unit, definition, member, current_actor())
    response = _file(spec.render(form), spec.mimetype, file_name(form, spec.extension))
    response.headers["X-Form-Checksum"] = form.checksum
    response.headers["X-Form-Preliminary"] = "true" if form.basis.preliminary else "false"
    return response


class StoredFileSchema(Schema):
    unit_level = fields.String(metadata={"description": "organization, municipality или region."})
    unit_code = fields.String()
    unit_name = fields.String(metadata={"description": "Наименование, как оно было зафиксировано в срезе."})
    format = fields.String(metadata={"description": "pdf, xlsx, csv или xml."})
    size = fields.Integer(metadata={"description": "Размер файла, байт."})
    sha256 = fields.String(metadata={"description": "SHA-256 файла (его же отдаёт заголовок X-File-SHA256)."})
    values_checksum = fields.String(metadata={"description": "Контрольная сумма значений формы (X-Form-Checksum)."})
    built_at = fields.DateTime()
    url = fields.String(metadata={"description": "Загрузка файла: federal-form с параметром set."})


class FormSetSchema(Schema):
    id = fields.Integer(metadata={"description": "Номер набора (параметр set загрузки формы)."})
    form_code = fields.String()
    level = fields.String(metadata={"description": "Уровень среза: municipality или region."})
    unit_code = fields.String(metadata={"description": "Подразделение среза."})
    version = fields.Integer(metadata={"description": "Версия среза."})
    snapshot_id = fields.Integer()
    frozen_at = fields.DateTime()
    completed = fields.Boolean(metadata={"description": "Все файлы набора сформированы."})
    files = fields.List(fields.Nested(StoredFileSchema), metadata={"description": "Только файлы вашей области."})


class FormSetQuerySchema(QuerySchema):
    unit = Str(load_default=None, metadata={"description": "Только файлы подразделения с этим кодом."})


@api_bp.route(f"{CAMPAIGN_URL}/form-sets", methods=["GET"])
@api_bp.arguments(FormSetQuerySchema, location="query")
@api_bp.response(200, FormSetSchema(many=True))
def list_form_sets(args: dict, region_code: str, year: int):
    """Сохранённые наборы федеральных форм кампании (по одному на версию среза), новые сначала, с файлами вашей
    области: регион — все; муниципалитет — своя сводная форма и формы своих организаций; куратор — форма своей
    организации. Наборы без файлов вашей области не показываются; `unit` — только файлы одного подразделения."""
    campaign = load_campaign(region_code, year)
    user = current_actor()
    require(can_work_in_region(user, campaign.region_id), "Кампания вне вашей области доступа.")
    found: dict[int, dict] = {}
    for stored in set_scope.files_of(user, campaign, unit_code=args.get("unit")):
        form_set: FormSet = stored.form_set
        body = found.setdefault(form_set.id, {
            "id": form_set.id, "form_code": form_set.form_code, "level": form_set.level.value,
            "unit_code": form_set.unit_code, "version": form_set.version, "snapshot_id": form_set.snapshot_id,
            "frozen_at": form_set.frozen_at, "completed": form_set.completed_at is not None, "files": []})
        body["files"].append({
            "unit_level": stored.unit_level.value, "unit_code": stored.unit_code, "unit_name": stored.unit_name,
            "format": stored.format, "size": stored.size, "sha256": stored.sha256,
            "values_checksum": stored.values_checksum, "built_at": stored.built_at,
            "url": url_for("exports_api.federal_form", region_code=region_code, year=year, unit=stored.unit_code,
                           format=stored.format, form=form_set.form_code, set=form_set.id)})
    return list(found.values())


def _file(data: bytes, mimetype: str, name: str):
    return as_download(send_file(BytesIO(data), mimetype=mimetype, max_age=0), name)
