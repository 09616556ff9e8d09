"""Marshmallow schemas of the surveys API (PRODUCT.md §10)."""
from marshmallow import EXCLUDE, Schema, fields, validate

from surveys.questionnaires import KINDS
from surveys.services import MAX_LINKS

_INT = {"invalid": "Нужно целое число."}


class SurveyOpenSchema(Schema):
    organization = fields.String(required=True, validate=validate.Length(1, 32),
                                 metadata={"description": "Код организации."})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS, error="Допустимы: mentee, mentor."),
                         metadata={"description": "mentee — наставляемые, mentor — наставники."})
    links = fields.Integer(load_default=None, allow_none=True, strict=True, error_messages=_INT,
                           validate=validate.Range(1, MAX_LINKS, error=f"Число ссылок от 1 до {MAX_LINKS}."),
                           metadata={"description": "Сколько одноразовых ссылок создать; без него — по числу "
                                                    "участников в учёте организации."})


class SurveyOpenedSchema(Schema):
    id = fields.Integer()
    links = fields.List(fields.String(), metadata={"description": "Одноразовые ссылки на анкету."})


class SurveySchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(KINDS)})
    organization = fields.String()
    links = fields.Integer(metadata={"description": "Сколько ссылок создано."})
    respondents = fields.Integer()
    satisfaction_pct = fields.Float(allow_none=True, metadata={
        "description": "0–100; null без ответов, а при числе ответивших меньше 5 — для всех, кроме региона."})
    open = fields.Boolean(metadata={"description": "Принимает ли опрос ответы сейчас."})
    closes_at = fields.DateTime(metadata={"description": "Когда закрывается окно организации (с продлением)."})


class AnswersQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    unit = fields.String(required=True, metadata={"description": "Код организации, муниципалитета или региона."})
    format = fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv"), error="Допустимы: xlsx, csv."))


class OptionSchema(Schema):
    id = fields.String()
    text = fields.String()


class QuestionSchema(Schema):
    id = fields.String()
    type = fields.String(metadata={"enum": ["scale", "choice", "text"]})
    text = fields.String()
    min = fields.Integer(allow_none=True)
    max = fields.Integer(allow_none=True)
    options = fields.List(fields.Nested(OptionSchema))
    required = fields.Boolean()
    score = fields.Boolean()


class QuestionnaireSchema(Schema):
    kind = fields.String(metadata={"enum": list(KINDS)})
    title = fields.String()
    questions = fields.List(fields.Nested(QuestionSchema))


class AnswerBodySchema(Schema):
    answers = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True, metadata={
        "description": "{номер вопроса: число (шкала) | идентификатор варианта | текст}"})


class AnswerStoredSchema(Schema):
    status = fields.String(metadata={"description": "stored"})
