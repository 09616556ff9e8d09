"""Records for the authorization matrix (tests/test_scope_matrix.py): one of each kind in the KHV school."""
import json
import secrets
from pathlib import Path

from registry.extensions import db
from registry.mentoring.services import consents, partners, people, practices
from registry.mentoring.vocab import AgreementKind, AwardTitle, ConsentKind, Form, PartnerKind
from tests.registry.mentoring import builders

R = "/records/27-KHV-S1"


def build(world) -> dict:
    """Create the records the matrix rows name, and return their ids for the paths."""
    org = world.school
    mentor = builders.published(org, "Матричная Анна")
    award = people.add_award(mentor, {"title": AwardTitle.honorary_mentor, "year": 2024}, actor=None)
    kid = builders.mentee(org, "Матричный Ребёнок")
    builders.consent_processing(kid, guardian="Матричная Мама")
    pair = builders.pair(org, [mentor], [kid])
    agreement = partners.add_agreement(org, {"inn": "7707083893", "name": "Завод", "partner_kind":
                                             PartnerKind.enterprise, "kind": AgreementKind.dual,
                                             "mentors_provided": 1}, actor=None)
    # the ДО centre spells the same partner otherwise: a name waiting for the reviewer
    partners.add_agreement(world.dod, {"inn": "7707083893", "name": "Заводик", "kind": AgreementKind.dual},
                           actor=None)
    proposed = practices.create_practice(org, {"title": "Предложенная", "form": Form.student_student,
                                               "role_model": "", "description": "…", "results": ""}, actor=None)
    practices.propose(proposed, actor=None)
    shown = practices.create_practice(org, {"title": "Опубликованная", "form": Form.student_student,
                                            "role_model": "", "description": "…", "results": ""}, actor=None)
    practices.propose(shown, actor=None)
    practices.approve(shown, actor=None)
    db.session.commit()
    return {"mentor_id": mentor.id, "mentee_id": kid.id, "pair_id": pair.id, "award_id": award.id,
            "consent_id": consents.active(kid, ConsentKind.processing).id, "agreement_id": agreement.id,
            "partner_id": agreement.partner_id,
            "practice_id": proposed.id, "published_practice_id": shown.id,
            "import_token": _stored_upload(world.curator.id, org.id)}


def _stored_upload(user_id: int, org_id: int) -> str:
    """A previewed upload of the curator's, as the import page leaves it for confirmation."""
    folder = Path(builders.temporary_uploads())
    token = secrets.token_urlsafe(16)
    (folder / f"{token}.upload").write_text(f"code;full_name;category\nM{token[:6]};Импортов Иван;teacher\n",
                                            encoding="utf-8")
    (folder / f"{token}.json").write_text(json.dumps({"user_id": user_id, "org_id": org_id, "kind": "mentors",
                                                      "filename": "m.csv"}))
    return token


def rows(public: set, everyone: set, region: set) -> dict:
    """The matrix rows of the records and public registry routes."""
    viewers = region | {"khv_official", "curator"}
    curator = {"curator"}
    reviewers = region | {"other_operator", "khv_official", "van_official"}
    m, k, p = R + "/mentors/{mentor_id}", R + "/mentees/{mentee_id}", R + "/pairs/{pair_id}"
    return {
        ("records.index", "GET"): ("/records/", None, everyone),
        ("records.organization_view", "GET"): (R + "/", None, viewers),
        ("records.mentor_list", "GET"): (R + "/mentors", None, viewers),
        ("records.mentee_list", "GET"): (R + "/mentees", None, viewers),
        ("records.mentor_create", "GET"): (R + "/mentors/new", None, curator),
        ("records.mentor_create", "POST"): (R + "/mentors/new", {"full_name": "Y", "category": "teacher"}, curator),
        ("records.mentee_create", "GET"): (R + "/mentees/new", None, curator),
        ("records.mentee_create", "POST"): (R + "/mentees/new", {"full_name": "Y", "category": "student"}, curator),
        ("records.mentor_edit", "GET"): (m, None, viewers),
        ("records.mentor_edit", "POST"): (m, {"full_name": "X", "category": "teacher"}, curator),
        ("records.mentee_edit", "GET"): (k, None, viewers),
        ("records.mentee_edit", "POST"): (k, {"full_name": "X", "category": "student"}, curator),
        ("consents.consent_give", "POST"): (m + "/consents", {"kind": "processing", "given_by": "subject",
                                                              "signed_on": "2024-09-01"}, curator),
        ("consents.consent_withdraw", "POST"): (R + "/consents/{consent_id}/withdraw", {}, curator),
        ("consents.award_add", "POST"): (m + "/awards", {"title": "best_mentor", "year": "2024"}, curator),
        ("consents.award_delete", "POST"): (R + "/awards/{award_id}/delete", {}, curator),
        ("consents.mentee_full_cycle", "POST"): (k + "/full-cycle", {"completed": "1"}, curator),
        ("pairs.pair_list", "GET"): (R + "/pairs", None, viewers),
        ("pairs.pair_create", "GET"): (R + "/pairs/new", None, curator),
        ("pairs.pair_create", "POST"): (R + "/pairs/new", {}, curator),
        ("pairs.pair_view", "GET"): (p, None, viewers),
        ("pairs.pair_view", "POST"): (p, {}, curator),
        ("pairs.pair_status", "POST"): (p + "/status", {"action": "approve", "order_ref": "№ 1"}, curator),
        ("pairs.pair_replace", "POST"): (p + "/replace", {}, curator),
        ("pairs.pair_member_add", "POST"): (p + "/members", {}, curator),
        ("partners.partner_list", "GET"): (R + "/partners", None, viewers),
        ("partners.agreement_add", "POST"): (R + "/partners/new", {"inn": "7707083893", "kind": "dual"}, curator),
        ("partners.agreement_edit", "POST"): (R + "/partners/{agreement_id}", {"kind": "network"}, curator),
        ("partners.agreement_delete", "POST"): (R + "/partners/{agreement_id}/delete", {}, curator),
        ("partners.partner_kind_set", "POST"): (R + "/partners/{agreement_id}/partner-kind", {"partner_kind": "ngo"},
                                                curator),
        ("practices.practice_list", "GET"): (R + "/practices", None, viewers),
        ("practices.practice_create", "GET"): (R + "/practices/new", None, curator),
        ("practices.practice_create", "POST"): (R + "/practices/new", {}, curator),
        ("practices.practice_edit", "GET"): (R + "/practices/{practice_id}", None, viewers),
        ("practices.practice_edit", "POST"): (R + "/practices/{practice_id}", {}, curator),
        ("practices.practice_propose", "POST"): (R + "/practices/{practice_id}/propose", {}, curator),
        ("practices.review_list", "GET"): ("/records/practices/review", None, reviewers),
        ("practices.practice_approve", "POST"): ("/records/practices/{practice_id}/approve", {},
                                                 region | {"khv_official"}),
        ("practices.practice_return", "POST"): ("/records/practices/{practice_id}/return", {"comment": "x"},
                                                region | {"khv_official"}),
        ("partner_review.review_list", "GET"): ("/records/partners/review", None, reviewers),
        ("partner_review.partner_publish", "POST"): ("/records/partners/{partner_id}/publish", {},
                                                     region | {"khv_official"}),
        ("partner_review.partner_return", "POST"): ("/records/partners/{partner_id}/return", {"comment": "x"},
                                                    region | {"khv_official"}),
        ("partner_review.name_accept", "POST"): ("/records/partners/{partner_id}/name/accept", {},
                                                 region | {"khv_official"}),
        ("partner_review.name_reject", "POST"): ("/records/partners/{partner_id}/name/reject", {},
                                                 region | {"khv_official"}),
        ("record_imports.import_upload", "GET"): (R + "/import", None, curator),
        ("record_imports.import_upload", "POST"): (R + "/import", {"kind": "mentors"}, curator),
        ("record_imports.import_confirm", "POST"): (R + "/import/confirm", {"token": "{import_token}"}, curator),
        ("record_imports.import_template", "GET"): ("/records/import/template/mentors.xlsx", None, everyone),
        ("record_imports.records_export", "GET"): (R + "/export/mentors.csv", None, viewers),
        # the public registry: no login, for everyone
        ("public.mentor_list", "GET"): ("/registry/?q=матричная", None, public),
        ("public.mentor_detail", "GET"): ("/registry/mentors/{mentor_id}", None, public),
        ("public.honorary", "GET"): ("/registry/honorary", None, public),
        ("public.practice_list", "GET"): ("/registry/practices", None, public),
        ("public.practice_detail", "GET"): ("/registry/practices/{published_practice_id}", None, public),
        ("public.partner_list", "GET"): ("/registry/partners", None, public),
        ("public.open_data", "GET"): ("/registry/data", None, public),
        ("public.download", "GET"): ("/registry/data/mentors.csv", None, public),
        ("public_api.mentor_list", "GET"): ("/api/v1/public/mentors?q=матричная", None, public),
        ("public_api.mentor_detail", "GET"): ("/api/v1/public/mentors/{mentor_id}", None, public),
        ("public_api.practice_list", "GET"): ("/api/v1/public/practices", None, public),
        ("public_api.partner_list", "GET"): ("/api/v1/public/partners", None, public),
    }


