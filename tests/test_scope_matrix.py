"""Every route of the app is in the authorization matrix, and answers each role as the matrix says.

Out of scope answers 403 or 404 — never data. A route added without a matrix row fails this test.
Each route runs against a fresh world with a submitted school report, a submitted municipal report (with its
snapshot) and an extension; a state-changing route gets a fresh world per role, so one role's change cannot leak
into the next one's answer (a GET changes nothing that decides access, so its roles share one world).
"""
from datetime import timedelta

import pytest
from argon2 import PasswordHasher, Type

from deadlines import extension_grants, feeds
from exports.definition_files import DEFAULT_FORM
from exports.models import FormSet
from hierarchy.models import Level
from monitoring import reports, services
from registry.core.clock import now_utc
from registry.extensions import db, limiter
from registry.imports import jobs as import_jobs
from surveys import services as surveys
from tests import factories
from tests.conftest import Browser, _empty_tables
from tests.registry.documents import matrix as documents_matrix
from tests.registry.mentoring import matrix as mentoring_matrix
from tests.registry.mentoring import people_matrix
from tests.registry.mentors import matrix as mentors_matrix

ROLES = ("anon", "admin", "operator", "other_operator", "khv_official", "van_official", "curator", "van_curator",
         "college_curator", "mentor")
REGION = {"admin", "operator"}
IN_REGION = REGION | {"khv_official", "van_official", "curator", "van_curator", "college_curator"}
EVERYONE = IN_REGION | {"other_operator"}
PUBLIC = set(ROLES)

C = "/campaigns/27/{year}"
A = "/api/v1/regions/27/campaigns/{year}"
S = "27-KHV-S1"  # the KHV school; its curator is `curator`, its reviewer `khv_official`

#: A valid answer to the mentee questionnaire (form fields or the API's answers).
SURVEY_ANSWER = {"q1": "8", "q2": "8", "q3": "8", "q4": "8", "q5": "weekly", "q6": "yes"}

#: (endpoint, method) → (path, form or JSON body, roles allowed to act). Everyone else gets 403/404
#: (or, not logged in, the login page / 401).
MATRIX = {
    ("home.index", "GET"): ("/", None, PUBLIC),
    ("static", "GET"): ("/static/app.css", None, PUBLIC),
    ("auth.login", "GET"): ("/auth/login", None, PUBLIC),
    ("auth.login", "POST"): ("/auth/login", {"email": "x@example.ru", "password": "wrong"}, PUBLIC),
    ("auth.logout", "POST"): ("/auth/logout", {}, EVERYONE),
    ("identity.emblem", "GET"): ("/emblem", None, PUBLIC),
    ("account.password_change", "GET"): ("/account/password", None, EVERYONE),
    ("account.password_change", "POST"): ("/account/password", {"current_password": "wrong"}, EVERYONE),
    ("admin.user_edit", "GET"): ("/admin/users/{curator_id}/edit", None, {"admin"}),
    ("admin.user_edit", "POST"): ("/admin/users/{curator_id}/edit", {"role": "org_curator", "scope": "27-KHV-DOD"},
                                  {"admin"}),
    ("admin.user_list", "GET"): ("/admin/users", None, {"admin"}),
    ("admin.user_create", "POST"): ("/admin/users", {"email": "n@example.ru"}, {"admin"}),
    ("admin.user_disable", "POST"): ("/admin/users/{curator_id}/disable", {}, {"admin"}),
    ("admin.user_enable", "POST"): ("/admin/users/{curator_id}/enable", {}, {"admin"}),
    ("admin.user_unlock", "POST"): ("/admin/users/{curator_id}/unlock", {}, {"admin"}),
    ("hierarchy.unit_import", "GET"): ("/hierarchy/import", None, REGION | {"other_operator"}),
    ("hierarchy.unit_import", "POST"): ("/hierarchy/import", {}, REGION | {"other_operator"}),
    ("hierarchy.unit_list", "GET"): ("/hierarchy/units", None, REGION | {"other_operator"}),
    ("hierarchy.import_template", "GET"): ("/hierarchy/import/template.xlsx", None, REGION | {"other_operator"}),
    ("campaigns.campaign_list", "GET"): ("/campaigns/27/", None, REGION),
    ("campaigns.campaign_open", "POST"): ("/campaigns/27/", {"year": "2090"}, REGION),
    ("campaigns.campaign_edit", "GET"): (C + "/edit", None, REGION),
    ("campaigns.campaign_edit", "POST"): (C + "/edit", {}, REGION),
    ("region.region_view", "GET"): (C + "/", None, REGION),
    ("region.consolidate", "GET"): (C + "/consolidate", None, REGION),
    ("region.consolidate", "POST"): (C + "/consolidate", {}, REGION),
    # only the region's operator asks (the admin extends); the window is open here, so the answer is a 409
    ("region.extension_request", "POST"): (C + "/extension-request", {}, {"operator"}),
    ("region.snapshot_view", "GET"): (C + "/snapshots/{snapshot_id}", None, REGION | {"khv_official"}),
    ("region.missing_xlsx", "GET"): (C + "/snapshots/{snapshot_id}/missing.xlsx", None, REGION | {"khv_official"}),
    ("region.matrix_xlsx", "GET"): (C + "/matrix.xlsx", None, REGION),
    ("membership.member_list", "GET"): (C + "/members", None, REGION),
    ("membership.member_add", "POST"): (C + "/members", {"org_code": S}, REGION),
    ("membership.member_remove", "GET"): (C + f"/members/{S}/remove", None, REGION),
    ("membership.member_remove", "POST"): (C + f"/members/{S}/remove", {"reason": "закрыта"}, REGION),
    ("membership.extension_list", "GET"): (C + "/extensions", None, REGION | {"khv_official", "van_official"}),
    ("membership.extension_grant", "POST"): (C + "/extensions", {"unit_code": S, "reason": "болезнь"},
                                             REGION | {"khv_official"}),
    ("membership.extension_revoke", "POST"): (C + "/extensions/{extension_id}/revoke", {}, REGION | {"khv_official"}),
    ("reports.municipal_report_view", "GET"): (C + "/municipalities/27-KHV/report", None, REGION | {"khv_official"}),
    ("reports.municipal_report_submit", "GET"): (C + "/municipalities/27-KHV/report/submit", None, {"khv_official"}),
    ("reports.municipal_report_submit", "POST"): (C + "/municipalities/27-KHV/report/submit", {}, {"khv_official"}),
    ("reports.municipal_enterprises_set", "POST"): (C + "/municipalities/27-KHV/report/enterprises",
                                                    {"enterprises_total": "10"}, REGION | {"khv_official"}),
    ("reports.municipal_report_accept", "POST"): (C + "/municipalities/27-KHV/report/accept", {}, REGION),
    ("reports.municipal_report_return", "POST"): (C + "/municipalities/27-KHV/report/return", {"comment": "x"},
                                                  REGION),
    ("review.submission_list", "GET"): (C + "/review", None, REGION | {"khv_official", "van_official"}),
    ("review.submission_list_xlsx", "GET"): (C + "/review.xlsx", None, REGION | {"khv_official", "van_official"}),
    ("submissions.submission_edit", "GET"): (C + f"/submissions/{S}", None, REGION | {"khv_official", "curator"}),
    ("submissions.submission_save", "POST"): (C + f"/submissions/{S}", {"version": "2", "students_total": "5"},
                                              {"curator"}),
    ("submissions.submission_submit", "POST"): (C + f"/submissions/{S}/submit",
                                                {"version": "2", "students_total": "5"}, {"curator"}),
    ("review.submission_accept", "GET"): (C + f"/submissions/{S}/accept", None, {"admin", "khv_official"}),
    ("review.submission_accept", "POST"): (C + f"/submissions/{S}/accept", {}, {"admin", "khv_official"}),
    ("review.submission_reopen", "POST"): (C + f"/submissions/{S}/reopen", {}, {"admin", "khv_official"}),
    ("review.submission_return", "POST"): (C + f"/submissions/{S}/return", {"comment": "x"}, {"admin", "khv_official"}),
    # the JSON API
    ("auth_api.token", "POST"): ("/api/v1/auth/token", {"email": "{email}", "password": factories.PASSWORD},
                                 EVERYONE),
    ("auth_api.logout", "POST"): ("/api/v1/auth/logout", None, EVERYONE),
    ("api-docs.openapi_json", "GET"): ("/api/v1/openapi.json", None, PUBLIC),
    ("campaigns_api.list_campaigns", "GET"): ("/api/v1/regions/27/campaigns", None, IN_REGION),
    ("campaigns_api.open_campaign", "POST"): ("/api/v1/regions/27/campaigns", {"year": 2090}, REGION),
    ("campaigns_api.get_campaign", "GET"): (A, None, IN_REGION),
    ("campaigns_api.patch_campaign", "PATCH"): (A, {"enterprises_in_region_total": 100}, REGION),
    ("campaigns_api.patch_municipality", "PATCH"): (A + "/municipalities/27-KHV", {"enterprises_total": 10},
                                                     REGION | {"khv_official"}),
    ("campaigns_api.list_members", "GET"): (A + "/members", None, REGION),
    ("campaigns_api.add_member", "POST"): (A + "/members", {"organization": S}, REGION),
    ("campaigns_api.remove_member", "DELETE"): (A + f"/members/{S}", {"reason": "закрыта"}, REGION),
    ("reports_api.aggregate", "GET"): (A + "/aggregates/27-KHV", None, REGION | {"khv_official"}),
    ("reports_api.consolidate", "POST"): (A + "/consolidate", None, REGION),
    ("extensions_api.list_extensions", "GET"): (A + "/extensions", None, IN_REGION),
    ("extensions_api.grant_extension", "POST"): (A + "/extensions", {"unit_code": S, "until": "{until}",
                                                                    "reason": "болезнь"}, REGION | {"khv_official"}),
    ("extensions_api.revoke_extension", "POST"): (A + "/extensions/{extension_id}/revoke", None,
                                                  REGION | {"khv_official"}),
    ("reports_api.read_report", "GET"): (A + "/municipalities/27-KHV/report", None, REGION | {"khv_official"}),
    ("reports_api.submit_report", "POST"): (A + "/municipalities/27-KHV/report/submit", None, {"khv_official"}),
    ("reports_api.accept_report", "POST"): (A + "/municipalities/27-KHV/report/accept", None, REGION),
    ("reports_api.return_report", "POST"): (A + "/municipalities/27-KHV/report/return", {"comment": "x"}, REGION),
    ("reports_api.list_snapshots", "GET"): (A + "/snapshots", None, REGION | {"khv_official", "van_official"}),
    ("reports_api.read_snapshot", "GET"): (A + "/snapshots/{snapshot_id}", None, REGION | {"khv_official"}),
    ("submissions_api.review_queue", "GET"): (A + "/submissions", None, IN_REGION),
    ("submissions_api.read_submission", "GET"): (A + f"/submissions/{S}", None, REGION | {"khv_official", "curator"}),
    ("submissions_api.put_submission", "PUT"): (A + f"/submissions/{S}", {"values": {"students_total": 5},
                                                                        "version": 2}, {"curator"}),
    ("submissions_api.submit_submission", "POST"): (A + f"/submissions/{S}/submit", None, {"curator"}),
    ("submissions_api.accept_submission", "POST"): (A + f"/submissions/{S}/accept", None, {"admin", "khv_official"}),
    ("submissions_api.reopen_submission", "POST"): (A + f"/submissions/{S}/reopen", None, {"admin", "khv_official"}),
    ("submissions_api.return_submission", "POST"): (A + f"/submissions/{S}/return", {"comment": "x"},
                                                    {"admin", "khv_official"}),
    # exports: forms, archives, monitoring reports (scoped like the unit they describe)
    ("exports.federal_form_view", "GET"): (C + f"/federal-form/{S}", None, REGION | {"khv_official", "curator"}),
    ("exports.federal_form_download", "GET"): (C + f"/federal-form/{S}/pdf", None,
                                               REGION | {"khv_official", "curator"}),
    ("exports.federal_form_archive", "GET"): (C + "/federal-form/27-KHV/archive", None, REGION | {"khv_official"}),
    ("exports.federal_form_archive_start", "POST"): (C + "/federal-form/27-KHV/archive", {"format": "csv"},
                                                     REGION | {"khv_official"}),
    ("exports.federal_form_archive_download", "GET"): (C + "/federal-form/27-KHV/archive/download", None,
                                                       REGION | {"khv_official"}),
    ("exports.monitoring_report_download", "GET"): (C + "/monitoring-report/27-KHV/xlsx", None,
                                                    REGION | {"khv_official"}),
    ("exports_api.federal_form", "GET"): (A + f"/federal-form?unit={S}&format=csv", None,
                                          REGION | {"khv_official", "curator"}),
    # deadlines calendar, its ICS feed (no session: the secret token is the credential) and notifications
    ("calendar.calendar_view", "GET"): ("/calendar", None, EVERYONE),
    ("calendar.feed_regenerate", "POST"): ("/calendar/feed-token", {}, EVERYONE),
    ("calendar.feed", "GET"): ("/calendar/feed/{feed_user_id}/{feed_token}.ics", None, PUBLIC),
    ("notifications.notification_list", "GET"): ("/notifications", None, EVERYONE),
    ("notifications.mark_read", "POST"): ("/notifications/read", {}, EVERYONE),
    ("notifications.notification_settings", "GET"): ("/notifications/settings", None, EVERYONE),
    ("notifications.notification_settings", "POST"): ("/notifications/settings", {"email": "reminder"}, EVERYONE),
    # stored federal forms: the sets of a campaign and one set as a ZIP (region staff)
    ("form_sets.form_set_list", "GET"): (C + "/form-sets", None, REGION),
    ("form_sets.form_set_archive", "GET"): (C + "/form-sets/{set_id}/zip", None, REGION),
    # dashboards: one-click extension from an overdue list
    ("membership.extension_quick", "POST"): (C + f"/extensions/{S}/quick", {}, REGION | {"khv_official"}),
    # imports run as background jobs: a job's page is its requester's alone; the list shows one's own jobs
    ("hierarchy.import_job", "GET"): ("/hierarchy/import/jobs/{hierarchy_job_id}", None, {"operator"}),
    ("record_imports.import_job", "GET"): (f"/records/{S}/import/jobs/{{records_job_id}}", None, {"curator"}),
    ("imports.job_list", "GET"): ("/imports/", None, EVERYONE),
    # stored federal forms for whoever may download them: the list is scoped, so everyone in the region may ask
    # plans: the unit drafts its own; the level above approves, returns, reopens (a municipality's: the region;
    # the school's: its municipality, or an administrator)
    ("plans.plan_edit", "GET"): (C + "/plans/27-KHV", None, REGION | {"khv_official"}),
    ("plans.plan_save", "POST"): (C + "/plans/27-KHV", {"version": "0", "target_R2": "50"}, {"khv_official"}),
    ("plans.plan_submit", "POST"): (C + "/plans/27-KHV/submit", {"version": "0", **{
        f"target_{code}": "50" for code in ("R2", "R4", "R7", "R8", "R9", "R10", "R11")}}, {"khv_official"}),
    ("plans.plan_approve", "POST"): (C + "/plans/27-KHV/approve", {}, REGION),
    ("plans.plan_return", "POST"): (C + f"/plans/{S}/return", {"comment": "x"}, {"admin", "khv_official"}),
    ("plans.plan_reopen", "POST"): (C + f"/plans/{S}/reopen", {}, {"admin", "khv_official"}),
    ("plan_imports.plan_import", "GET"): (C + "/plans-import", None, REGION),
    ("plan_imports.plan_import", "POST"): (C + "/plans-import", {}, REGION),
    ("plan_imports.plan_import_template", "GET"): (C + "/plans-import/template.xlsx", None, REGION),
    ("plans_api.read_plan", "GET"): (A + f"/plans/{S}", None, REGION | {"khv_official", "curator"}),
    ("plans_api.put_plan", "PUT"): (A + f"/plans/{S}", {"targets": {"R2": 50}, "version": 0}, {"curator"}),
    ("plans_api.submit_plan", "POST"): (A + "/plans/27-KHV/submit", None, {"khv_official"}),
    ("plans_api.approve_plan", "POST"): (A + "/plans/27-KHV/approve", None, REGION),
    ("plans_api.return_plan", "POST"): (A + f"/plans/{S}/return", {"comment": "x"}, {"admin", "khv_official"}),
    ("plans_api.reopen_plan", "POST"): (A + f"/plans/{S}/reopen", None, {"admin", "khv_official"}),
    ("form_sets.federal_forms", "GET"): (C + "/federal-forms", None, IN_REGION),
    ("exports_api.list_form_sets", "GET"): (A + "/form-sets", None, IN_REGION),
    # satisfaction surveys: the curator runs them; whoever sees the school reads them; officers download answers;
    # the one-time link is the respondent's only credential (no account)
    ("surveys.survey_list", "GET"): (C + f"/surveys/{S}", None, REGION | {"khv_official", "curator"}),
    ("surveys.survey_open", "POST"): (C + f"/surveys/{S}", {"kind": "mentee", "links": "2"}, {"curator"}),
    ("surveys.survey_close", "POST"): (C + f"/surveys/{S}/{{survey_id}}/close", {}, {"curator"}),
    ("surveys.survey_sheet", "GET"): (C + f"/surveys/{S}/{{survey_id}}/qr.pdf", None, {"curator"}),
    ("surveys.answers_download", "GET"): (C + "/survey-answers/27-KHV/csv", None, REGION | {"khv_official"}),
    ("survey_answer.answer_page", "GET"): ("/s/{survey_token}", None, PUBLIC),
    ("survey_answer.answer_submit", "POST"): ("/s/{survey_token}", SURVEY_ANSWER, PUBLIC),
    ("surveys_api.open_survey", "POST"): (A + "/surveys", {"organization": S, "kind": "mentee", "links": 2},
                                          {"curator"}),
    ("surveys_api.list_surveys", "GET"): (A + "/surveys", None, IN_REGION),
    ("surveys_api.read_survey", "GET"): (A + "/surveys/{survey_id}", None, REGION | {"khv_official", "curator"}),
    ("surveys_api.close_survey", "POST"): (A + "/surveys/{survey_id}/close", None, {"curator"}),
    ("surveys_api.download_answers", "GET"): (A + "/survey-answers?unit=27-KHV&format=csv", None,
                                              REGION | {"khv_official"}),
    ("surveys_api.questionnaire", "GET"): ("/api/v1/survey-links/{survey_token}", None, PUBLIC),
    ("surveys_api.answer", "POST"): ("/api/v1/survey-links/{survey_token}/answers", {"answers": SURVEY_ANSWER},
                                     PUBLIC),
}

MATRIX.update(mentoring_matrix.rows(PUBLIC, EVERYONE, REGION))
MATRIX.update(documents_matrix.rows(EVERYONE, REGION))
MATRIX.update(people_matrix.rows(REGION))
MATRIX.update(mentors_matrix.rows(PUBLIC, REGION))
# a mentor account (the school's matrix mentor) opens only its own pages, public pages and these
for _key in mentors_matrix.MENTOR_TOO:
    _path, _body, _allowed = MATRIX[_key]
    MATRIX[_key] = (_path, _body, _allowed | {"mentor"})

#: What an allowed request answers when it is not the default (200 for a GET, 302 for a form's POST): a status, or
#: {role: status} with "others" for the rest. A 409/422 here is the row's body or the world's state, pinned so that
#: a permitted user reaching the route's own check is told apart from one stopped before it.
ALLOWED_STATUS = {
    ("auth.login", "GET"): {"anon": 200, "others": 302},  # a logged-in user is sent home
    ("home.index", "GET"): {"mentor": 302, "others": 200},  # a mentor's home is their own page
    ("records.index", "GET"): {"curator": 302, "van_curator": 302, "college_curator": 302, "others": 200},
    ("exports.federal_form_archive_download", "GET"): 302,  # no archive built yet: back to the archive page
    ("auth.login", "POST"): 401,  # wrong password
    ("account.password_change", "POST"): 422,  # wrong current password
    ("admin.user_create", "POST"): 422,  # only an e-mail in the body
    ("campaigns.campaign_edit", "POST"): 422,  # empty form
    ("hierarchy.unit_import", "POST"): 422,  # no file
    ("plan_imports.plan_import", "POST"): 422,  # no file
    ("membership.extension_grant", "POST"): 422,
    ("documents.document_upload", "POST"): 422,
    ("record_imports.import_upload", "POST"): 422,
    ("pairs.pair_create", "POST"): 422,
    ("pairs.pair_view", "POST"): 422,
    ("practices.practice_create", "POST"): 422,
    ("practices.practice_edit", "POST"): 422,
    ("programmes.plan_item_add", "POST"): 422,
    ("programmes.programme_create", "POST"): 422,
    ("plans_api.submit_plan", "POST"): 422,
    ("campaigns_api.add_member", "POST"): 409,
    ("membership.member_add", "POST"): 409,
    ("mentor.report_edit", "POST"): 409,
    ("plans.plan_approve", "POST"): 409,
    ("plans.plan_reopen", "POST"): 409,
    ("plans.plan_return", "POST"): 409,
    ("plans_api.approve_plan", "POST"): 409,
    ("plans_api.reopen_plan", "POST"): 409,
    ("plans_api.return_plan", "POST"): 409,
    ("records_api.delete_mentee", "DELETE"): 409,
    ("records_api.delete_mentor", "DELETE"): 409,
    ("region.extension_request", "POST"): 409,  # the window is still open
    ("reports.municipal_report_submit", "POST"): 409,  # submitted already
    ("reports_api.submit_report", "POST"): 409,
    ("review.submission_reopen", "POST"): 409,
    ("submissions_api.reopen_submission", "POST"): 409,
    ("submissions.submission_save", "POST"): 409,  # submitted: no longer editable
    ("submissions.submission_submit", "POST"): 409,
    ("submissions_api.put_submission", "PUT"): 409,
    ("submissions_api.submit_submission", "POST"): 409,
    ("survey_answer.answer_submit", "POST"): 200,  # the thank-you page
    # the JSON API: 200 read or changed, 201 created, 204 nothing to return
    ("auth_api.token", "POST"): 200,
    ("auth_api.logout", "POST"): 204,
    ("campaigns_api.open_campaign", "POST"): 201,
    ("campaigns_api.patch_campaign", "PATCH"): 200,
    ("campaigns_api.patch_municipality", "PATCH"): 200,
    ("campaigns_api.remove_member", "DELETE"): 204,
    ("extensions_api.grant_extension", "POST"): 201,
    ("extensions_api.revoke_extension", "POST"): 200,
    ("plans_api.put_plan", "PUT"): 200,
    ("records_api.create_mentee", "POST"): 201,
    ("records_api.create_mentor", "POST"): 201,
    ("records_api.create_pair", "POST"): 201,
    ("records_api.create_partner", "POST"): 201,
    ("records_api.delete_pair", "DELETE"): 204,
    ("records_api.delete_partner", "DELETE"): 204,
    ("records_api.patch_mentee", "PATCH"): 200,
    ("records_api.patch_mentor", "PATCH"): 200,
    ("records_api.patch_pair", "PATCH"): 200,
    ("records_api.patch_partner", "PATCH"): 200,
    ("reports_api.accept_report", "POST"): 200,
    ("reports_api.consolidate", "POST"): 201,
    ("reports_api.return_report", "POST"): 200,
    ("submissions_api.accept_submission", "POST"): 200,
    ("submissions_api.return_submission", "POST"): 200,
    ("surveys_api.answer", "POST"): 201,
    ("surveys_api.close_survey", "POST"): 200,
    ("surveys_api.open_survey", "POST"): 201,
}


def _rich_world():
    world = factories.build_world()
    c = world.campaign
    services.save_values(c, world.school, dict(factories.VALID_VALUES), version=None, actor=world.curator)
    services.submit(c, world.school, actor=world.curator)
    report = reports.submit_report(c, world.khv, actor=world.khv_official)
    ext = extension_grants.grant(c, world.dod, now_utc() + timedelta(days=5), "болезнь", actor=world.khv_official)
    form_set = FormSet(campaign_id=c.id, snapshot_id=report.snapshot_id, level=Level.municipality,
                       unit_code=world.khv.code, version=1, frozen_at=now_utc(), form_code=DEFAULT_FORM)
    db.session.add(form_set)  # queued, not built: building every set here would slow the whole matrix down
    hierarchy_job = import_jobs.create("hierarchy", "units.csv", b"", actor=world.operator)
    records_job = import_jobs.create("mentors", "m.csv", b"", actor=world.curator, organization=world.school)
    survey, tokens = surveys.open_survey(c, world.school, "mentee", 2, actor=world.curator)
    db.session.commit()
    ids = {"year": factories.YEAR, "curator_id": world.dod_curator.id, "snapshot_id": report.snapshot_id,
           "extension_id": ext.id, "set_id": form_set.id, "until": (now_utc() + timedelta(days=3)).isoformat(),
           "hierarchy_job_id": hierarchy_job.id, "records_job_id": records_job.id, "survey_id": survey.id,
           "survey_token": tokens[0],
           "feed_user_id": world.curator.id, "feed_token": feeds.feed_token(world.curator),
           **mentoring_matrix.build(world)}
    ids.update(documents_matrix.build(world, ids["pair_id"]))
    ids.update(mentors_matrix.build(world, ids))
    return world, ids


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):  # JSON id lists: "{mentor_id}" → the id itself
        return [ids[v[1:-1]] if isinstance(v, str) and v[1:-1] in ids else _fill(v, ids) for v in value]
    return value


class Caller:
    """One role's clients in one world: logged in once (the login form, an API token) and reused for its requests.

    Argon2 makes each login cost a tenth of a second, and the matrix makes thousands of requests.
    """

    def __init__(self, app, role: str, email: str):
        self.app, self.role, self.email = app, role, email
        self.web, self.api = None, None  # a Browser after the login form; an API client's headers

    def _web(self) -> Browser:
        if self.web is None:
            self.web = Browser(self.app.test_client())
            if self.role == "anon":
                self.web.login("nobody@example.ru")  # only to obtain a CSRF token; the login fails
            else:
                assert self.web.login(self.email).status_code == 302
        return self.web

    def _api(self) -> tuple:
        if self.api is None:
            client, headers = self.app.test_client(), {}
            if self.role != "anon":
                response = client.post("/api/v1/auth/token", json={"email": self.email,
                                                                   "password": factories.PASSWORD})
                assert response.status_code == 200, response.get_data(as_text=True)
                headers["Authorization"] = f"Bearer {response.get_json()['token']}"
            self.api = (client, headers)
        return self.api

    def log_in(self, path: str) -> None:
        self._api() if path.startswith("/api/") else self._web()

    def answer(self, method: str, path: str, body) -> tuple[int, str]:
        """Make the request as this role; return (status, location)."""
        if path.startswith("/api/"):
            client, headers = self._api()
            response = client.open(path, method=method, json=body, headers=headers)
        else:
            browser = self._web()
            response = browser.get(path) if method == "GET" else browser.post(path, data=body or {})
        response.close()  # static files are streamed; close the handle
        return response.status_code, response.headers.get("Location", "")


def _callers(app, world) -> dict[str, Caller]:
    return {role: Caller(app, role, getattr(world, role).email if role != "anon" else "nobody@example.ru")
            for role in ROLES}


def _verdict(path: str, status: int, location: str) -> str | int:
    """"login", "deny", or the status of an allowed request (checked against the row's ALLOWED_STATUS)."""
    assert status < 500, f"{path}: server error {status}"
    if path.startswith("/api/"):
        return "login" if status == 401 else "deny" if status in (403, 404) else status
    if status == 302 and "/auth/login?next=" in location:  # sent to log in (logout itself lands on the bare page)
        return "login"
    return "deny" if status in (403, 404) else status


def _expected(route, allowed) -> dict:
    status = ALLOWED_STATUS.get(route, 200 if route[1] == "GET" else 302)
    per_role = status if isinstance(status, dict) else {"others": status}
    return {role: per_role.get(role, per_role["others"]) if role in allowed else "login" if role == "anon" else "deny"
            for role in ROLES}


@pytest.fixture(scope="module", autouse=True)
def _cheap_passwords():
    """The matrix's users get an Argon2id hash of minimal cost: every login still verifies a password, in
    microseconds instead of a tenth of a second (tests/registry/test_sessions.py checks the app's real cost)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID).hash(factories.PASSWORD)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(factories, "_password_hash", lambda: cheap)
        yield


def test_every_route_is_in_the_matrix(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - set(MATRIX) == set(), "routes missing from the authorization matrix"
    assert set(MATRIX) - routes == set(), "matrix rows for routes that no longer exist"
    assert set(ALLOWED_STATUS) - set(MATRIX) == set(), "allowed statuses for routes that are not in the matrix"


READS = sorted(route for route in MATRIX if route[1] == "GET")
WRITES = sorted(route for route in MATRIX if route[1] != "GET")


@pytest.fixture(scope="class")
def shared(app, tmp_path_factory):
    """One world and one logged-in caller per role for a whole class of tests; emptied after its last test.
    Its files (documents, import uploads, stored forms) stay in one directory for the class."""
    before = app.config["EXPORTS_DIR"]
    app.config["EXPORTS_DIR"] = str(tmp_path_factory.mktemp("matrix") / "exports")
    with app.app_context():
        world, ids = _rich_world()
        callers = _callers(app, world)
        db.session.remove()
    yield ids, callers
    with app.app_context():
        db.session.remove()
        _empty_tables()
    app.config["EXPORTS_DIR"] = before


class TestReads:
    """GET routes, all against one world (a GET changes nothing that decides access), each role logged in once."""

    @pytest.fixture(autouse=True)
    def _exports_dir(self, app, shared):
        """Overrides the suite's per-test directory: the class's world keeps its files in the one `shared` made."""

    @pytest.fixture(autouse=True)
    def _app_context(self, app, shared):
        """Overrides the suite's per-test emptying: the class's world lives until its last test."""
        with app.app_context():
            yield
            db.session.remove()
            limiter.reset()

    @pytest.mark.parametrize("route", READS, ids=lambda r: f"{r[1]} {r[0]}")
    def test_route_answers_each_role_as_the_matrix_says(self, shared, route):
        ids, callers = shared
        path_template, body_template, allowed = MATRIX[route]
        verdicts = {}
        for role in ROLES:
            path = _fill(path_template, {**ids, "email": callers[role].email})
            verdicts[role] = _verdict(path, *callers[role].answer("GET", path, None))
        expected = _expected(route, allowed)
        assert {r: v for r, v in verdicts.items() if v != expected[r]} == {}, verdicts


#: State-changing requests whose allowed answer changes nothing the next role's answer depends on (the caller's
#: own session, token, notifications or settings; a failed login or password check): the world is kept.
KEEPS_WORLD = {("auth.logout", "POST"), ("auth_api.token", "POST"),
               ("auth_api.logout", "POST"), ("account.password_change", "POST"), ("calendar.feed_regenerate", "POST"),
               ("notifications.mark_read", "POST"), ("notifications.notification_settings", "POST")}


@pytest.mark.parametrize("route", WRITES, ids=lambda r: f"{r[1]} {r[0]}")
def test_state_changing_route_answers_each_role_as_the_matrix_says(app, route):
    """A fresh world after every allowed request, so one role's change cannot leak into the next one's answer;
    a refused request must change nothing, so the next role asks in the same world."""
    _, method = route
    path_template, body_template, allowed = MATRIX[route]
    verdicts, world = {}, None
    for role in ROLES:
        if world is None:
            world, ids = _rich_world()
            callers = _callers(app, world)
        ids["email"] = callers[role].email
        path, body = _fill(path_template, ids), _fill(body_template, ids)
        callers[role].log_in(path)
        limiter.reset()  # every role asks from 127.0.0.1: the failed-login throttle must not answer for the route
        verdicts[role] = _verdict(path, *callers[role].answer(method, path, body))
        if verdicts[role] not in ("login", "deny") and route not in KEEPS_WORLD:
            db.session.remove()
            _empty_tables()
            world = None
    expected = _expected(route, allowed)
    assert {r: v for r, v in verdicts.items() if v != expected[r]} == {}, verdicts
