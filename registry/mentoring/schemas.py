"""Input allow-lists for the records (HTML forms and import rows), with Russian messages per field."""
from datetime import date, datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from registry.mentoring.text import inn_error, snils_error
from registry.mentoring.vocab import (
    PARTNER_KIND_LABELS,
    ROLE_MODELS,
    AgreementKind,
    AwardTitle,
    ConsentKind,
    Form,
    GivenBy,
    Kind,
    MenteeCategory,
    MentorCategory,
    PartnerKind,
    ReplacementReason,
    partner_kind_of,
)

REQUIRED = {"required": "Обязательное поле.", "null": "Обязательное поле."}


class RuDate(fields.Field):
    """A date typed as 31.12.2024 or 2024-12-31 (also what a spreadsheet date cell reads as)."""

    default_error_messages = {**REQUIRED, "invalid": "Дата в формате ДД.ММ.ГГГГ, например 01.09.2024."}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if not text:
            return None
        for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
            try:
                return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time zone
            except ValueError:
                continue
        raise self.make_error("invalid")


class Text(fields.String):
    """Stripped text; empty means absent unless `required`."""

    default_error_messages = {**REQUIRED, "invalid": "Нужен текст."}

    def __init__(self, max_length: int, *, required: bool = False, **kwargs):
        if not required:
            kwargs["load_default"] = ""
        super().__init__(required=required, validate=validate.Length(
            max=max_length, error=f"Не длиннее {max_length} символов."), **kwargs)
        self.must = required

    def _deserialize(self, value, attr, data, **kwargs):
        text = " ".join(str(value).split()) if "\n" not in str(value) else str(value).strip()
        if self.must and not text:
            raise self.make_error("required")
        return text


class Choice(fields.String):
    """One value of an enum, by its code."""

    def __init__(self, enum, *, required: bool = True, **kwargs):
        self.enum = enum
        super().__init__(required=required, error_messages={**REQUIRED}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip().lower()
        if not text:
            if self.required:
                raise ValidationError("Обязательное поле.")
            return None
        if text not in self.enum.__members__:
            raise ValidationError(f"Недопустимое значение «{value}»: допустимы {', '.join(self.enum.__members__)}.")
        return self.enum(text)


class PartnerKindField(Choice):
    """A partner kind by its code (enterprise, ngo…) or its Russian label («НКО», «вуз», «предприятие»…)."""

    def __init__(self, **kwargs):
        super().__init__(PartnerKind, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not str(value).strip():
            return super()._deserialize(value, attr, data, **kwargs)
        kind = partner_kind_of(value)
        if kind is None:
            raise ValidationError(f"Недопустимый вид партнёра «{value}»: допустимы "
                                  f"{', '.join(PARTNER_KIND_LABELS.values())} (или {', '.join(PartnerKind)}).")
        return kind


class OptionalInt(fields.Integer):
    """An id from a select whose empty option means "none"."""

    default_error_messages = {"invalid": "Выберите значение из списка."}

    def _deserialize(self, value, attr, data, **kwargs):
        if value in ("", None):
            return None
        return super()._deserialize(value, attr, data, **kwargs)


class FormList(fields.Field):
    """Forms as a list (checkboxes) or one cell of codes separated by commas or spaces."""

    def _deserialize(self, value, attr, data, **kwargs):
        items = value if isinstance(value, list | tuple) else str(value).replace(";", ",").replace(" ", ",").split(",")
        items = [str(i).strip().lower() for i in items if str(i).strip()]
        wrong = [i for i in items if i not in Form.__members__]
        if wrong:
            raise ValidationError(f"Неизвестные формы: {', '.join(wrong)}; допустимы {', '.join(Form.__members__)}.")
        return sorted({Form(i) for i in items}, key=list(Form).index)


class FormSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # every HTML form posts a csrf_token


class Snils(fields.String):
    """A СНИЛС as typed (112-233-445 95 or 11 digits), checksum-validated; empty unlinks the person. Absent when
    not posted (an import file without the column leaves the link as it is)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = " ".join(str(value or "").split())
        if text:
            error = snils_error(text)
            if error:
                raise ValidationError(error)
        return text


class PersonSchema(FormSchema):
    code = Text(64)
    full_name = Text(300, required=True)
    snils = Snils()
    birth_date = RuDate(load_default=None, allow_none=True)
    left_on = RuDate(load_default=None, allow_none=True)

    @validates_schema
    def _dates(self, data, **kwargs):
        born = data.get("birth_date")
        if born is not None and not date(1900, 1, 1) <= born <= date.today():  # noqa: DTZ011 - calendar check
            raise ValidationError("Дата рождения вне допустимого диапазона.", "birth_date")


class MentorSchema(PersonSchema):
    category = Choice(MentorCategory)
    position = Text(300)
    forms = FormList(load_default=list)
    competences = Text(4000)
    achievements = Text(4000)
    partner_id = OptionalInt(load_default=None, allow_none=True)


class MenteeSchema(PersonSchema):
    category = Choice(MenteeCategory)
    request = Text(4000)


class ConsentSchema(FormSchema):
    kind = Choice(ConsentKind)
    given_by = Choice(GivenBy)
    guardian_name = Text(300)
    signed_on = RuDate(required=True, error_messages=REQUIRED)
    document = Text(300)
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields", load_default=list)


class AwardSchema(FormSchema):
    title = Choice(AwardTitle)
    other_title = Text(300)
    year = fields.Integer(required=True, validate=validate.Range(1990, 2100, error="Год от 1990 до 2100."),
                          error_messages={**REQUIRED, "invalid": "Год числом, например 2024."})

    @validates_schema
    def _other(self, data, **kwargs):
        if data.get("title") is AwardTitle.other and not data.get("other_title"):
            raise ValidationError("Укажите название награды.", "other_title")


class PairSchema(FormSchema):
    code = Text(64)
    form = Choice(Form)
    role_model = Text(32)
    kind = Choice(Kind)
    start_on = RuDate(required=True, error_messages=REQUIRED)
    end_on = RuDate(load_default=None, allow_none=True)

    @validates_schema
    def _consistent(self, data, **kwargs):
        model = data.get("role_model")
        if model:
            if model not in ROLE_MODELS:
                raise ValidationError(f"Неизвестная ролевая модель «{model}».", "role_model")
            if data.get("form") is not None and ROLE_MODELS[model][1] is not data["form"]:
                raise ValidationError("Ролевая модель относится к другой форме наставничества.", "role_model")
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            raise ValidationError("Дата окончания раньше даты начала.", "end_on")


class TransitionSchema(FormSchema):
    #: Empty means today.
    on = RuDate(load_default=None, allow_none=True)
    order_ref = Text(200)
    reason = Text(4000)


class ReplaceSchema(FormSchema):
    old_mentor_id = fields.Integer(required=True, error_messages={**REQUIRED, "invalid": "Выберите наставника."})
    new_mentor_id = fields.Integer(required=True, error_messages={**REQUIRED, "invalid": "Выберите наставника."})
    reason = Choice(ReplacementReason)
    comment = Text(4000)
    on = RuDate(required=True, error_messages=REQUIRED)


class AgreementSchema(FormSchema):
    inn = Text(12, required=True)
    name = Text(500)
    partner_kind = PartnerKindField(required=False)
    kind = Choice(AgreementKind)
    number = Text(100)
    signed_on = RuDate(load_default=None, allow_none=True)
    valid_until = RuDate(load_default=None, allow_none=True)
    mentors_provided = fields.Integer(load_default=0, validate=validate.Range(0, 100000, error="Число от 0."),
                                      error_messages={"invalid": "Число наставников цифрами, например 3."})

    @post_load
    def _inn(self, data, **kwargs):
        data["inn"] = data["inn"].replace(" ", "")
        error = inn_error(data["inn"])
        if error:
            raise ValidationError(error, "inn")
        return data


class PartnerKindSchema(FormSchema):
    """Setting the kind of a partner whose kind is not known yet."""

    partner_kind = PartnerKindField()


class PracticeSchema(FormSchema):
    title = Text(300, required=True)
    form = Choice(Form)
    role_model = Text(32)
    description = Text(20000, required=True)
    results = Text(20000)

    @validates_schema
    def _model(self, data, **kwargs):
        model = data.get("role_model")
        if model and (model not in ROLE_MODELS or ROLE_MODELS[model][1] is not data.get("form")):
            raise ValidationError("Ролевая модель не относится к выбранной форме.", "role_model")


class ReviewSchema(FormSchema):
    comment = Text(4000)

