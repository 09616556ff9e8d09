"""API v1, public (no token): published mentors, best practices, partner enterprises (PRODUCT.md §6, §7)."""
from flask import jsonify
from marshmallow import EXCLUDE, Schema, fields, validate

from registry.core.api import ApiBlueprint
from registry.core.errors import NotFound
from registry.core.throttle import by_address
from registry.mentoring.vocab import Form, MentorCategory
from registry.public import queries

PUBLIC = ("mentor_list", "mentor_detail", "practice_list", "partner_list")
api_bp = ApiBlueprint("public_api", __name__, public=PUBLIC, throttled=True,
                      description="Открытый реестр: без авторизации; только сведения, согласованные для публикации. "
                                  "Число запросов с одного адреса ограничено (PUBLIC_API_LIMIT): сверх него — 429.")
by_address("PUBLIC_API_LIMIT", "public-api")(api_bp)


class MentorQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # caches and proxies add their own parameters

    q = fields.String(load_default="", validate=validate.Length(max=200, error="Не длиннее 200 символов."),
                      metadata={"description": "Слова поиска (регистр и «ё/е» не важны), все должны найтись."})
    municipality = fields.String(load_default="", metadata={"description": "Код муниципалитета."})
    organization = fields.String(load_default="", metadata={"description": "Код организации."})
    form = fields.String(load_default="", validate=validate.OneOf([""] + list(Form.__members__),
                                                                  error="Неизвестная форма наставничества."))
    category = fields.String(load_default="", validate=validate.OneOf([""] + list(MentorCategory.__members__),
                                                                      error="Неизвестная категория наставника."))
    page = fields.Integer(load_default=1, validate=validate.Range(
        1, queries.MAX_PAGE, error=f"Номер страницы от 1 до {queries.MAX_PAGE}."),
        error_messages={"invalid": "Номер страницы — целое число."})


class PublicMentorSchema(Schema):
    """A published mentor: only the fields the mentor agreed to publish are present."""

    id = fields.Integer()
    full_name = fields.String()
    position = fields.String()
    organization = fields.String()
    municipality = fields.String()
    category = fields.String()
    forms = fields.List(fields.String())
    competences = fields.String()
    achievements = fields.String()
    awards = fields.List(fields.String())


class MentorPageSchema(Schema):
    items = fields.List(fields.Nested(PublicMentorSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer(metadata={"description": f"Сколько найдено (подсчёт останавливается на "
                                                    f"{queries.COUNT_CAP})."})
    total_is_capped = fields.Boolean()
    has_next = fields.Boolean()


class PublicPracticeSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    organization = fields.String()
    municipality = fields.String()
    form = fields.String()
    role_model = fields.String()
    description = fields.String()
    results = fields.String()
    published_at = fields.String(allow_none=True)


class PublicPartnerSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    inn = fields.String(allow_none=True, metadata={"description": "ИНН юридического лица; ИНН физического лица "
                                                                  "(индивидуального предпринимателя) не публикуется"})
    kind = fields.String()
    region = fields.String()
    organizations = fields.List(fields.String())
    mentors_provided = fields.Integer()


@api_bp.route("/public/mentors", methods=["GET"])
@api_bp.doc(security=[])
@api_bp.arguments(MentorQuerySchema, location="query")
@api_bp.response(200, MentorPageSchema)
def mentor_list(args: dict):
    """Найти наставников открытого реестра: полнотекстовый поиск, фильтры, по 20 на странице."""
    page = args.pop("page")
    # already the documented shape, made of allow-listed public fields: sent as is (the hot path of the
    # public API skips a second serialization pass)
    return jsonify(queries.search_mentors(queries.MentorFilters(**args), page))


@api_bp.route("/public/mentors/<int:mentor_id>", methods=["GET"])
@api_bp.doc(security=[])
@api_bp.alt_response(404, response="NOT_FOUND")
@api_bp.response(200, PublicMentorSchema)
def mentor_detail(mentor_id: int):
    """Карточка наставника открытого реестра (404, если он не опубликован)."""
    mentor = queries.mentor(mentor_id)
    if mentor is None:
        raise NotFound("Наставник не найден в открытом реестре.")
    return mentor


@api_bp.route("/public/practices", methods=["GET"])
@api_bp.doc(security=[])
@api_bp.response(200, PublicPracticeSchema(many=True))
def practice_list():
    """Опубликованные лучшие практики наставничества."""
    return queries.practices()


@api_bp.route("/public/partners", methods=["GET"])
@api_bp.doc(security=[])
@api_bp.response(200, PublicPartnerSchema(many=True))
def partner_list():
    """Предприятия и организации-партнёры."""
    return queries.partners()
