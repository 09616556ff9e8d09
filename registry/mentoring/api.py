"""API v1: an organization's records (PRODUCT.md §9), scoped like the pages: the curator writes; the curator,
its municipality and region staff read. Integrators (school information systems) push records here."""

from registry.core.api import ApiBlueprint, current_actor
from registry.core.clock import now_utc
from registry.core.errors import ValidationFailed
from registry.extensions import db
from registry.mentoring import access, serialize
from registry.mentoring.api_schemas import (
    MenteeInSchema,
    MenteePatchSchema,
    MentorInSchema,
    MentorPatchSchema,
    PairInSchema,
    PairOutSchema,
    PairPatchSchema,
    PartnerInSchema,
    PartnerOutSchema,
    PartnerPatchSchema,
    PersonOutSchema,
)
from registry.mentoring.models import Mentee, Mentor, MentoringPair, PartnerAgreement
from registry.mentoring.services import consents, pairs, partner_review, partners, people, records_api
from registry.mentoring.vocab import (
    AgreementKind,
    ConsentKind,
    Form,
    GivenBy,
    Kind,
    MenteeCategory,
    MentorCategory,
    PartnerKind,
)

api_bp = ApiBlueprint("records_api", __name__, description="Записи организаций: наставники, наставляемые, "
                                                            "партнёры, пары (реестр людей региона).")
ORG = "/organizations/<org_code>"
_MENTOR_MAP = {"full_name": "full_name", "birth_date": "birth_date", "snils": "snils", "category": "category",
               "position": "position", "forms": "forms"}
_MENTEE_MAP = {"full_name": "full_name", "birth_date": "birth_date", "snils": "snils", "category": "category"}


def _mentor_data(org, body: dict) -> dict:
    data = {key: body[name] for name, key in _MENTOR_MAP.items() if name in body}
    if "category" in data:  # the record holds the member, as after the page's form (the answer reads .value)
        data["category"] = MentorCategory(data["category"])
    if "position" in data and data["position"] is None:
        data["position"] = ""
    if "partner_inn" in body:
        data["partner_id"] = records_api.partner_id_for(org, body["partner_inn"])
    return data


def _mentee_data(body: dict) -> dict:
    data = {k: body[k] for k in _MENTEE_MAP if k in body}
    if "category" in data:
        data["category"] = MenteeCategory(data["category"])
    return data


# --- mentors ---------------------------------------------------------------------------------------------------

@api_bp.route(f"{ORG}/mentors", methods=["GET"])
@api_bp.response(200, PersonOutSchema(many=True))
def list_mentors(org_code: str):
    """Наставники организации (СНИЛС полностью — только куратору организации)."""
    user = current_actor()
    org = access.viewable_organization(user, org_code)
    return serialize.organization_people_json(user, org, Mentor)


@api_bp.route(f"{ORG}/mentors", methods=["POST"])
@api_bp.arguments(MentorInSchema)
@api_bp.response(201, PersonOutSchema)
def create_mentor(body: dict, org_code: str):
    """Добавить наставника; с СНИЛС запись привязывается к человеку региона (он может быть наставником и в
    других организациях)."""
    user = current_actor()
    org = access.editable_organization(user, org_code)
    mentor = people.create_mentor(org, _mentor_data(org, body), actor=user)
    return serialize.person(user, mentor)


@api_bp.route(f"{ORG}/mentors/<int:record_id>", methods=["GET"])
@api_bp.response(200, PersonOutSchema)
def get_mentor(org_code: str, record_id: int):
    user = current_actor()
    org = access.viewable_organization(user, org_code)
    return serialize.people(user, [access.record_of(Mentor, org, record_id)])[0]


@api_bp.route(f"{ORG}/mentors/<int:record_id>", methods=["PATCH"])
@api_bp.arguments(MentorPatchSchema)
@api_bp.response(200, PersonOutSchema)
def patch_mentor(body: dict, org_code: str, record_id: int):
    user = current_actor()
    org = access.editable_organization(user, org_code)
    mentor = access.record_of(Mentor, org, record_id)
    people.update_mentor(mentor, _mentor_data(org, body), actor=user)
    return serialize.person(user, mentor)


@api_bp.route(f"{ORG}/mentors/<int:record_id>", methods=["DELETE"])
@api_bp.response(204)
def delete_mentor(org_code: str, record_id: int):
    """Удалить запись, не входившую ни в одну пару (иначе 409: отметьте выбытие)."""
    user = current_actor()
    org = access.editable_organization(user, org_code)
    records_api.remove_person(access.record_of(Mentor, org, record_id), actor=user)


# --- mentees ---------------------------------------------------------------------------------------------------

@api_bp.route(f"{ORG}/mentees", methods=["GET"])
@api_bp.response(200, PersonOutSchema(many=True))
def list_mentees(org_code: str):
    """Наставляемые организации: только в области доступа организации, никогда не публичны."""
    user = current_actor()
    org = access.viewable_organization(user, org_code)
    return serialize.organization_people_json(user, org, Mentee)


@api_bp.route(f"{ORG}/mentees", methods=["POST"])
@api_bp.arguments(MenteeInSchema)
@api_bp.response(201, PersonOutSchema)
def create_mentee(body: dict, org_code: str):
    """Добавить наставляемого. Младше 14 лет — только с согласием законного представителя (guardian_consent)."""
    user = current_actor()
    org = access.editable_organization(user, org_code)
    now = now_utc()
    records_api.check_guardian(body, now.date())
    mentee = people.create_mentee(org, _mentee_data(body), actor=user)
    if body.get("full_cycle_completed"):
        people.set_full_cycle(mentee, True, on=now.date(), actor=user)
    if body.get("guardian_consent"):
        given = body["guardian_consent"]
        consents.give(mentee, {"kind": ConsentKind.processing, "given_by": GivenBy.guardian, **given},
                      actor=user, now=now)
    return serialize.person(user, mentee)


@api_bp.route(f"{ORG}/mentees/<int:record_id>", methods=["GET"])
@api_bp.response(200, PersonOutSchema)
def get_mentee(org_code: str, record_id: int):
    user = current_actor()
    org = access.viewable_organization(user, org_code)
    return serialize.people(user, [access.record_of(Mentee, org, record_id)])[0]


@api_bp.route(f"{ORG}/mentees/<int:record_id>", methods=["PATCH"])
@api_bp.arguments(MenteePatchSchema)
@api_bp.response(200, PersonOutSchema)
def patch_mentee(body: dict, org_code: str, record_id: int):
    user = current_actor()
    org = access.editable_organization(user, org_code)
    mentee = access.record_of(Mentee, org, record_id)
    people.update_mentee(mentee, _mentee_data(body), actor=user)
    if "full_cycle_completed" in body:
        people.set_full_cycle(mentee, body["full_cycle_completed"], on=now_utc().date(), actor=user)
    return serialize.person(user, mentee)


@api_bp.route(f"{ORG}/mentees/<int:record_id>", methods=["DELETE"])
@api_bp.response(204)
def delete_mentee(org_code: str, record_id: int):
    user = current_actor()
    org = access.editable_organization(user, org_code)
    records_api.remove_person(access.record_of(Mentee, org, record_id), actor=user)


# --- partners --------------------------------------------------------------------------------------------------

@api_bp.route(f"{ORG}/partners", methods=["GET"])
@api_bp.response(200, PartnerOutSchema(many=True))
def list_partners(org_code: str):
    """Партнёры, с которыми у организации есть соглашение."""
    user = current_actor()
    org = access.viewable_organization(user, org_code)
    agreements = db.session.scalars(access.visible_agreements(org).order_by(PartnerAgreement.id))
    return [serialize.partner(a.partner) for a in {a.partner_id: a for a in agreements}.values()]


@api_bp.route(f"{ORG}/partners", methods=["POST"])
@api_bp.arguments(PartnerInSchema)
@api_bp.response(201, PartnerOutSchema)
def create_partner(body: dict, org_code: str):
    """Соглашение с партнёром по ИНН (новый партнёр ждёт проверки муниципалитетом или регионом)."""
    user = current_actor()
    org = access.editable_organization(user, org_code)
    try:
        agreement = partners.add_agreement(org, {
            "inn": body["inn"], "name": body.get("name", ""), "kind": AgreementKind.cooperation,
            "partner_kind": PartnerKind(body["kind"]) if body.get("kind") else None}, actor=user)
    except ValidationFailed as error:  # the page's field name for the partner's kind is the API's "kind"
        error.fields = {("kind" if k == "partner_kind" else k): v for k, v in error.fields.items()}
        raise
    return serialize.partner(agreement.partner)


@api_bp.route(f"{ORG}/partners/<int:record_id>", methods=["GET"])
@api_bp.response(200, PartnerOutSchema)
def get_partner(org_code: str, record_id: int):
    org = access.viewable_organization(current_actor(), org_code)
    return serialize.partner(access.partner_of(org, record_id))


@api_bp.route(f"{ORG}/partners/<int:record_id>", methods=["PATCH"])
@api_bp.arguments(PartnerPatchSchema)
@api_bp.response(200, PartnerOutSchema)
def patch_partner(body: dict, org_code: str, record_id: int):
    """Другое написание наименования — предложение проверяющему; вид — только если он ещё не указан."""
    user = current_actor()
    org = access.editable_organization(user, org_code)
    partner = access.partner_of(org, record_id)
    if body.get("name"):
        partner_review.propose_name(partner, body["name"], org, actor=user)
    if body.get("kind") and partner.kind is None:
        partners.set_unknown_kind(partner, PartnerKind(body["kind"]), actor=user)
    return serialize.partner(partner)


@api_bp.route(f"{ORG}/partners/<int:record_id>", methods=["DELETE"])
@api_bp.response(204)
def delete_partner(org_code: str, record_id: int):
    """Прекратить соглашения организации с партнёром (сам партнёр остаётся в реестре региона)."""
    user = current_actor()
    org = access.editable_organization(user, org_code)
    partner = access.partner_of(org, record_id)
    for agreement in [a for a in partner.agreements if a.organization_id == org.id]:
        partners.remove_agreement(agreement, actor=user)


# --- pairs -----------------------------------------------------------------------------------------------------

@api_bp.route(f"{ORG}/pairs", methods=["GET"])
@api_bp.response(200, PairOutSchema(many=True))
def list_pairs(org_code: str):
    """Пары организации и пары других организаций с её наставниками (cross_organization)."""
    user = current_actor()
    org = access.viewable_organization(user, org_code)
    return [serialize.pair(user, p) for p in db.session.scalars(
        access.visible_org_pairs(org).order_by(MentoringPair.id))]


@api_bp.route(f"{ORG}/pairs", methods=["POST"])
@api_bp.arguments(PairInSchema)
@api_bp.response(201, PairOutSchema)
def create_pair(body: dict, org_code: str):
    """Пара или группа: наставляемые этой организации; наставник может быть из другой организации региона."""
    user = current_actor()
    org = access.editable_organization(user, org_code)
    form = Form(body["form"])
    data = {"form": form, "kind": Kind(body["kind"]), "start_on": body["start_date"]}
    pair = pairs.create_pair(org, data, body["mentor_ids"], body["mentee_ids"], actor=user)
    records_api.check_form_roles(form, pair.current_mentors, pair.current_mentees)
    return serialize.pair(user, pair)


@api_bp.route(f"{ORG}/pairs/<int:record_id>", methods=["GET"])
@api_bp.response(200, PairOutSchema)
def get_pair(org_code: str, record_id: int):
    user = current_actor()
    org = access.viewable_organization(user, org_code)
    return serialize.pair(user, access.pair_seen_by(org, record_id))


@api_bp.route(f"{ORG}/pairs/<int:record_id>", methods=["PATCH"])
@api_bp.arguments(PairPatchSchema)
@api_bp.response(200, PairOutSchema)
def patch_pair(body: dict, org_code: str, record_id: int):
    """Форма, тип, дата начала; состав меняется на странице пары (замена наставника с причиной)."""
    user = current_actor()
    org = access.editable_organization(user, org_code)
    pair = access.record_of(MentoringPair, org, record_id)
    data = {"code": pair.code, "form": Form(body.get("form", pair.form)), "role_model": pair.role_model,
            "kind": Kind(body.get("kind", pair.kind)), "start_on": body.get("start_date", pair.start_on),
            "end_on": pair.end_on}
    pairs.update_pair(pair, data, actor=user)
    records_api.check_form_roles(pair.form, pair.current_mentors, pair.current_mentees)
    return serialize.pair(user, pair)


@api_bp.route(f"{ORG}/pairs/<int:record_id>", methods=["DELETE"])
@api_bp.response(204)
def delete_pair(org_code: str, record_id: int):
    user = current_actor()
    org = access.editable_organization(user, org_code)
    records_api.remove_pair(access.record_of(MentoringPair, org, record_id), actor=user)
