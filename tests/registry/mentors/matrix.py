"""Rows of the authorization matrix (tests/test_scope_matrix.py) for mentor accounts, their reports and evaluations,
and the "set your password" links. The matrix mentor (`mentor_id`) of the KHV school gets the `mentor` account."""
from registry.auth import links
from registry.auth.models import Role
from registry.core.clock import now_utc
from registry.extensions import db
from registry.mentoring.models import Mentor
from registry.mentors import services
from registry.mentors.vocab import CRITERIA, quarter_of
from tests import factories

R = "/records/27-KHV-S1"
REPORT = {"done": "д", "results": "р", "problems": "п", "action": "submit"}
#: Rows of other routes a mentor account may use too: signing out, API tokens, its notifications.
MENTOR_TOO = (("auth.logout", "POST"), ("auth_api.token", "POST"), ("auth_api.logout", "POST"),
              ("notifications.notification_list", "GET"), ("notifications.mark_read", "POST"),
              ("notifications.notification_settings", "GET"), ("notifications.notification_settings", "POST"),
              ("account.password_change", "GET"), ("account.password_change", "POST"))


def build(world, ids: dict) -> dict:
    """The mentor account (as world.mentor), its submitted report, an evaluation and a usable password link."""
    now = now_utc()
    mentor = db.session.get(Mentor, ids["mentor_id"])
    world.mentor = factories.user("mentor@example.ru", Role.mentor, mentor)
    today = services.local_today(world.mentor, now)
    year, quarter = today.year, quarter_of(today)
    report = services.save_report(world.mentor, year, quarter, REPORT, submit=True, now=now)
    services.save_evaluation(mentor, year, {f"score_{code}": "2" for code in CRITERIA}, actor=world.curator, now=now)
    token = links.issue(world.van_curator, "reset", actor=world.admin, now=now)
    db.session.commit()
    return {"report_id": report.id, "link_token": token, "this_year": year, "this_quarter": quarter}


def rows(public: set, region: set) -> dict:
    viewers = region | {"khv_official", "curator"}
    curator, mentor = {"curator"}, {"mentor"}
    rep, ev = R + "/mentor-reports/{report_id}", R + "/mentors/{mentor_id}/evaluations/{this_year}"
    password = {"password": "новый-пароль-42", "password2": "новый-пароль-42"}
    return {
        ("password_links.set_password", "GET"): ("/auth/set-password/{link_token}", None, public),
        ("password_links.set_password", "POST"): ("/auth/set-password/{link_token}", password, public),
        ("admin.user_password_link", "POST"): ("/admin/users/{curator_id}/password-link", {}, {"admin"}),
        ("mentor.home", "GET"): ("/mentor/", None, mentor),
        ("mentor.pair", "GET"): ("/mentor/pairs/{pair_id}", None, mentor),
        ("mentor.plan_item_done", "POST"): ("/mentor/pairs/{pair_id}/plan/{plan_item_id}/done", {"done": "1"},
                                            mentor),
        ("mentor.report_edit", "GET"): ("/mentor/reports/{this_year}/{this_quarter}", None, mentor),
        ("mentor.report_edit", "POST"): ("/mentor/reports/{this_year}/{this_quarter}", {"action": "save"}, mentor),
        ("mentor_reviews.invite", "POST"): (R + "/mentors/{mentor_id}/invite", {"email": "m2@example.ru"}, curator),
        ("mentor_reviews.report_list", "GET"): (R + "/mentor-reports", None, curator),
        ("mentor_reviews.report_view", "GET"): (rep, None, curator),
        ("mentor_reviews.report_accept", "POST"): (rep + "/accept", {}, curator),
        ("mentor_reviews.report_return", "POST"): (rep + "/return", {"comment": "x"}, curator),
        ("mentor_reviews.evaluation", "GET"): (ev, None, viewers),
        ("mentor_reviews.evaluation", "POST"): (ev, {f"score_{code}": "1" for code in CRITERIA}, curator),
        ("mentor_reviews.evaluation_download", "GET"): (ev + "/pdf", None, viewers),
    }
