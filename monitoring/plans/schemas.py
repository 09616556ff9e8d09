"""API v1 shapes of plans (PRODUCT.md §8): input allow-lists and the answer."""
from marshmallow import Schema, fields

from monitoring.plans.models import PLAN_CODES, PlanStatus
from registry.core.schemas import BaseSchema, Int, NumberMap

_CODES = ", ".join(PLAN_CODES)


class PlanPutSchema(BaseSchema):
    targets = NumberMap(required=True, metadata={
        "description": f"Весь набор целей, %: код показателя ({_CODES}) → число 0–100; заменяет прежний."})
    version = Int(required=True, metadata={"description": "Версия, на которой основано изменение (0 — новый план)."})


class PlanSchema(Schema):
    unit = fields.String(metadata={"description": "Код муниципалитета или организации."})
    status = fields.String(metadata={"enum": [s.value for s in PlanStatus]})
    targets = NumberMap()
    version = fields.Integer()
    comment = fields.String(allow_none=True, metadata={"description": "Комментарий утверждающего при возврате."})
