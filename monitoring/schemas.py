"""Marshmallow schemas of the v1 JSON API (PRODUCT.md §7): explicit input allow-lists and output shapes.

Input schemas refuse unknown fields and report errors as a flat map "field" or "parent.child" → messages
(e.g. "values.mentees_students", "deadlines.organization"), in Russian; the base and the strict field types are
registry.core.schemas, shared with the other domains' APIs.
"""

from marshmallow import Schema, fields, validate

from hierarchy.models import Level, OrgType
from monitoring.models import SubmissionStatus
from registry.core.schemas import BaseSchema, Instant, Int, Number, NumberMap, QuerySchema, Str


def _one_of(choices) -> validate.OneOf:
    values = [getattr(c, "value", c) for c in choices]
    return validate.OneOf(values, error=f"Допустимые значения: {', '.join(values)}.")


_NOT_BLANK = validate.Length(min=1, max=2000, error="Нужен текст от 1 до 2000 символов.")

# ---- input ----------------------------------------------------------------------------------------------


class CampaignOpenSchema(BaseSchema):
    year = Int(required=True, metadata={"description": "Год кампании, например 2026."})


class DeadlinesInputSchema(BaseSchema):
    """Instants at which each level's window closes (\"не позднее 20 октября\" closes at 21 October 00:00)."""

    organization = Instant()
    municipality = Instant()
    region = Instant()
    federal = Instant()


class CampaignPatchSchema(BaseSchema):
    deadlines = fields.Nested(DeadlinesInputSchema)
    enterprises_in_region_total = Int(metadata={"description": "Знаменатель R9: предприятий в регионе."})
    late_return_days = Int(metadata={"description": "Дней автоматического продления, когда отчёт возвращён после "
                                                    "срока отправителя (1–60, по умолчанию 5)."})
    targets = NumberMap(metadata={"description": "Цели кампании, %: код показателя → значение 0–100."})


class MunicipalityPatchSchema(BaseSchema):
    enterprises_total = Int(required=True, allow_none=True, validate=validate.Range(
        0, 10_000_000, error="Число предприятий — от 0 до 10 000 000."), metadata={
        "description": "Знаменатель R9 муниципалитета: предприятий на его территории; null — не задано."})


class MunicipalityCampaignSchema(Schema):
    municipality = fields.String(metadata={"description": "Код муниципалитета."})
    name = fields.String()
    year = fields.Integer()
    enterprises_total = fields.Integer(allow_none=True)


class MemberAddSchema(BaseSchema):
    organization = Str(required=True, metadata={"description": "Код организации."})


class ReasonSchema(BaseSchema):
    reason = Str(required=True, validate=_NOT_BLANK)


class SubmissionPutSchema(BaseSchema):
    values = NumberMap(required=True, metadata={"description": "Весь набор значений: заменяет прежний."})
    version = Int(required=True, metadata={"description": "Версия, на которой основано изменение (0 — новый)."})


class VersionSchema(BaseSchema):
    version = Int(load_default=None, metadata={"description": "Если указана, должна совпадать с текущей."})


class CommentSchema(BaseSchema):
    comment = Str(required=True, metadata={"description": "Что нужно исправить (обязательно)."})


class OptionalCommentSchema(BaseSchema):
    comment = Str(load_default=None)


class ExtensionGrantSchema(BaseSchema):
    unit_code = Str(required=True, metadata={"description": "Код организации, муниципалитета или региона."})
    until = Instant(required=True, metadata={"description": "До какого момента окно остаётся открытым."})
    reason = Str(required=True, validate=_NOT_BLANK)


class QueueQuerySchema(QuerySchema):
    status = Str(validate=_one_of(SubmissionStatus))
    municipality = Str(metadata={"description": "Код муниципалитета, которому организация отчитывается."})


class SnapshotQuerySchema(QuerySchema):
    level = Str(validate=_one_of([Level.municipality, Level.region]))
    unit = Str(metadata={"description": "Код муниципалитета или региона."})


# ---- output ---------------------------------------------------------------------------------------------


class DeadlinesSchema(Schema):
    organization = fields.DateTime()
    municipality = fields.DateTime()
    region = fields.DateTime()
    federal = fields.DateTime()
    forum = fields.DateTime(metadata={"description": "Форум наставников: событие календаря, ничего не закрывает."})


class CampaignSchema(Schema):
    year = fields.Integer()
    region = fields.String()
    deadlines = fields.Nested(DeadlinesSchema)
    enterprises_in_region_total = fields.Integer(allow_none=True)
    late_return_days = fields.Integer()
    targets = fields.Dict(keys=fields.String(), values=Number(allow_none=True))
    status = fields.String(metadata={"enum": ["open", "consolidated"]})


class MemberSchema(Schema):
    organization = fields.String()
    name = fields.String()
    org_type = fields.String(metadata={"enum": [t.value for t in OrgType]})
    reporting_municipality = fields.String(allow_none=True, metadata={"description": "null: отчитывается региону."})
    added_at = fields.DateTime()


class SubmissionSchema(Schema):
    organization = fields.String()
    status = fields.String(metadata={"enum": [s.value for s in SubmissionStatus]})
    values = NumberMap()
    version = fields.Integer()
    review_comment = fields.String(allow_none=True)
    #: Survey fields the registry's own surveys fill («из опроса»); a percentage of fewer than 5 respondents is
    #: left out of `values` for everyone but the region.
    from_survey = fields.List(fields.String(), metadata={
        "description": "Поля, заполненные из опроса («из опроса»); есть, только если опрос проводился."})


class QueueItemSchema(Schema):
    organization = fields.String()
    name = fields.String()
    org_type = fields.String(metadata={"enum": [t.value for t in OrgType]})
    reporting_municipality = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": [s.value for s in SubmissionStatus]})
    version = fields.Integer()
    updated_at = fields.DateTime(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)


class MissingUnitSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()
    status = fields.String()


class ReportSnapshotSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    created_at = fields.String(metadata={"format": "date-time"})
    missing = fields.List(fields.Nested(MissingUnitSchema))


class MunicipalReportSchema(Schema):
    municipality = fields.String()
    status = fields.String(metadata={"enum": ["open", "submitted", "returned", "accepted"]})
    review_comment = fields.String(allow_none=True)
    snapshot = fields.Nested(ReportSnapshotSchema, allow_none=True)


class SnapshotBriefSchema(Schema):
    id = fields.Integer()
    level = fields.String()
    unit_code = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()


class SnapshotSchema(SnapshotBriefSchema):
    summary = fields.Dict(metadata={"description": "unit, values, indicators, completeness, missing на момент среза."})


class ExtensionSchema(Schema):
    id = fields.Integer()
    level = fields.String(metadata={"enum": [lv.value for lv in Level]})
    unit_code = fields.String()
    until = fields.DateTime()
    reason = fields.String()
    granted_by = fields.String(allow_none=True)
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    active = fields.Boolean()


class UnitSchema(Schema):
    code = fields.String()
    level = fields.String(metadata={"enum": [lv.value for lv in Level]})
    name = fields.String()


class IndicatorValueSchema(Schema):
    value = Number(allow_none=True, metadata={
        "description": "Процент 0–100 без округления (F2 — число участников); null — знаменатель 0 или не задан "
                       "(причина в reason)."})
    target = Number(allow_none=True, metadata={"description": "Цель, %, по которой оценивается подразделение."})
    target_source = fields.String(allow_none=True, metadata={
        "enum": ["unit", "municipality", "region", None],
        "description": "Чья цель: unit — утверждённый план самого подразделения; municipality — план муниципалитета, "
                       "которому отчитывается организация; region — цель региона; null — цели нет."})
    approximate = fields.Boolean(metadata={
        "description": "R9: к предприятиям из учёта (различные ИНН) добавлены числа, сообщённые организациями "
                       "без учёта партнёров; одно предприятие могло быть учтено дважды."})
    reason = fields.String(allow_none=True, metadata={
        "description": "Почему value = null, если это не нулевой знаменатель: например, «не задано число "
                       "предприятий муниципалитета»."})
    count = Number(allow_none=True, metadata={"description": "Только R9: число предприятий (числитель)."})
    possibly_double_counted = fields.Boolean(
        metadata={"description": "Только R9: то же, что approximate (оставлено для совместимости)."})
    hidden = fields.Boolean(metadata={
        "description": "Только R10/R11: значение скрыто (null) — в него входят организации, где меньше 5 ответивших, "
                       "вместе меньше 5 человек; видят его только регион и куратор самой организации."})


class CompletenessSchema(Schema):
    expected = fields.Integer()
    submitted = fields.Integer()
    accepted = fields.Integer()
    overdue = fields.Integer()
    # one meaning of «в срок» (README): by the unit's own window, the end of its extension included
    on_time = fields.Integer(metadata={"description": "Отправили до закрытия своего окна (срок или конец продления)."})
    late = fields.Integer(metadata={"description": "Отправили после закрытия своего окна."})


class AggregateSchema(Schema):
    unit = fields.Nested(UnitSchema)
    values = NumberMap()
    indicators = fields.Dict(keys=fields.String(), values=fields.Nested(IndicatorValueSchema))
    completeness = fields.Nested(CompletenessSchema)
