"""JSON bodies of the records API (PRODUCT.md §9): the record's own field names and codes, Russian messages."""
from marshmallow import ValidationError, fields, validate, validates

from registry.core.api import FIELD_MESSAGES
from registry.core.schemas import BaseSchema, Int, QuerySchema, Str
from registry.mentoring.text import inn_error, snils_error
from registry.mentoring.vocab import Form, Kind, MenteeCategory, MentorCategory, PartnerKind

_DATE = {**FIELD_MESSAGES, "invalid": "Дата в формате ГГГГ-ММ-ДД."}


def _one_of(enum) -> validate.OneOf:
    codes = [m.value for m in enum]
    return validate.OneOf(codes, error=f"Допустимы: {', '.join(codes)}.")


def _name(**kwargs) -> Str:
    return Str(validate=validate.Length(min=1, max=300, error="От 1 до 300 символов."), **kwargs)


class _SnilsMixin:
    @validates("snils")
    def _snils(self, value, **kwargs):
        if value:
            error = snils_error(value)
            if error:
                raise ValidationError(error)


class MentorInSchema(_SnilsMixin, BaseSchema):
    full_name = _name(required=True)
    birth_date = fields.Date(allow_none=True, error_messages=_DATE)
    snils = Str(allow_none=True, metadata={"description": "11 цифр (можно ХХХ-ХХХ-ХХХ ХХ); контрольное число ПФР."})
    category = Str(required=True, validate=_one_of(MentorCategory))
    position = Str(load_default="", validate=validate.Length(max=300))
    forms = fields.List(Str(validate=_one_of(Form)), load_default=list)
    partner_inn = Str(allow_none=True, metadata={"description": "ИНН предприятия-партнёра, выделившего наставника."})


class MenteeGuardianSchema(BaseSchema):
    guardian_name = _name(required=True)
    signed_on = fields.Date(required=True, error_messages=_DATE)
    document = Str(load_default="", validate=validate.Length(max=300))


class MenteeInSchema(_SnilsMixin, BaseSchema):
    full_name = _name(required=True)
    birth_date = fields.Date(allow_none=True, error_messages=_DATE)
    snils = Str(allow_none=True)
    category = Str(required=True, validate=_one_of(MenteeCategory))
    full_cycle_completed = fields.Boolean(load_default=False, error_messages={**FIELD_MESSAGES,
                                                                             "invalid": "Нужно true или false."})
    guardian_consent = fields.Nested(MenteeGuardianSchema, allow_none=True, metadata={
        "description": "Согласие законного представителя на обработку данных: обязательно для младше 14 лет."})


class PartnerInSchema(BaseSchema):
    name = Str(validate=validate.Length(min=1, max=500, error="От 1 до 500 символов."))
    inn = Str(required=True)
    kind = Str(validate=_one_of(PartnerKind))

    @validates("inn")
    def _inn(self, value, **kwargs):
        error = inn_error(value)
        if error:
            raise ValidationError(error)


class PairInSchema(BaseSchema):
    form = Str(required=True, validate=_one_of(Form))
    kind = Str(required=True, validate=_one_of(Kind))
    mentor_ids = fields.List(Int(), required=True, metadata={
        "description": "Наставники: записи этой или другой организации региона."})
    mentee_ids = fields.List(Int(), required=True, metadata={"description": "Наставляемые этой организации."})
    start_date = fields.Date(required=True, error_messages=_DATE)


class RegistryQuerySchema(QuerySchema):
    municipality = Str(load_default="", metadata={"description": "Код муниципалитета."})
    organization = Str(load_default="", metadata={"description": "Код организации."})
    form = Str(load_default="", validate=validate.OneOf([""] + [f.value for f in Form], error="Неизвестная форма."))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6, error="Номер страницы от 1."),
                          error_messages={"invalid": "Нужно целое число."})


class PersonOutSchema(BaseSchema):
    id = fields.Integer()
    organization = fields.String(metadata={"description": "Код организации записи."})
    full_name = fields.String()
    birth_date = fields.Date(allow_none=True)
    snils = fields.String(allow_none=True, metadata={
        "description": "Вне организации записи — маска ***-***-*** NN."})
    category = fields.String()
    person_id = fields.Integer(allow_none=True, metadata={"description": "Человек региона (по СНИЛС)."})
    possible_duplicate = fields.Boolean(metadata={
        "description": "Без СНИЛС: в регионе есть запись с теми же ФИО и датой рождения."})
    position = fields.String()
    forms = fields.List(fields.String())
    partner_inn = fields.String(allow_none=True)
    full_cycle_completed = fields.Boolean()
    left_on = fields.Date(allow_none=True)


class PartnerOutSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    inn = fields.String()
    kind = fields.String(allow_none=True)
    status = fields.String()


class PairOutSchema(BaseSchema):
    id = fields.Integer()
    organization = fields.String()
    form = fields.String()
    kind = fields.String()
    status = fields.String()
    start_date = fields.Date()
    mentor_ids = fields.List(fields.Integer())
    mentee_ids = fields.List(fields.Integer(), metadata={"description": "Только в области доступа наставляемых."})
    cross_organization = fields.Boolean(metadata={"description": "Наставник из другой организации."})


class RegistryPageSchema(BaseSchema):
    items = fields.List(fields.Nested(PersonOutSchema))
    total = fields.Integer(metadata={"description": "Записей по организациям (сумма)."})
    distinct_persons = fields.Integer(metadata={"description": "Различных людей (по СНИЛС)."})
    page = fields.Integer()


class _Partial:
    """PATCH bodies: any subset of the POST body's fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class MentorPatchSchema(_Partial, MentorInSchema):
    pass


class MenteePatchSchema(_Partial, MenteeInSchema):
    pass


class PartnerPatchSchema(_Partial, PartnerInSchema):
    pass


class PairPatchSchema(_Partial, PairInSchema):
    pass
