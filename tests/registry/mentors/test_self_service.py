"""A mentor sees only their own pairs, plans and reports; the curator reviews the reports; both engines."""
import sqlalchemy as sa

from registry.core.audit import AuditEntry
from registry.core.clock import now_utc
from registry.extensions import db
from registry.mentors import services
from registry.mentors.models import QuarterlyReport, ReportStatus
from registry.mentors.vocab import quarter_of
from registry.programmes.models import PlanItem
from tests.registry.mentors import builders

REPORT = {"done": "Провели три встречи", "results": "Проект подготовлен", "problems": "Мало времени"}


def _now_quarter(user):
    today = services.local_today(user, now_utc())
    return today.year, quarter_of(today)


def test_mentor_sees_own_pairs_and_mentee_names_only(world, login_as):
    m = builders.build(world)
    anna = login_as(m.anna_user)
    assert anna.get("/").headers["Location"].endswith("/mentor/")
    home = anna.get("/mentor/").get_data(as_text=True)
    assert "Ребёнков Алексей" in home and "Чужой Виктор" not in home
    plan = anna.get(f"/mentor/pairs/{m.anna_pair.id}").get_data(as_text=True)
    assert "Подготовить проект" in plan and "секретный запрос" not in plan and "2011" not in plan
    assert anna.get(f"/mentor/pairs/{m.boris_pair.id}").status_code == 404
    assert anna.post(f"/mentor/pairs/{m.boris_pair.id}/plan/{m.item_id}/done", data={"done": "1"}).status_code == 404


def test_mentor_marks_own_plan_item_done_audited(world, login_as):
    m = builders.build(world)
    response = login_as(m.anna_user).post(f"/mentor/pairs/{m.anna_pair.id}/plan/{m.item_id}/done", data={"done": "1"})
    assert response.status_code == 302
    assert db.session.get(PlanItem, m.item_id).done_on is not None
    assert db.session.scalar(sa.select(AuditEntry.actor_id).where(AuditEntry.action == "plan_item.done")) == \
        m.anna_user.id


def test_mentor_is_fenced_off_records_monitoring_and_calendar(world, login_as):
    m = builders.build(world)
    anna = login_as(m.anna_user)
    for path in ("/records/", "/records/27-KHV-S1/", f"/records/27-KHV-S1/mentees/{m.anna_kid.id}",
                 f"/records/27-KHV-S1/pairs/{m.anna_pair.id}/plan", "/calendar", "/imports/",
                 f"/campaigns/27/{world.campaign.year}/review", "/admin/users"):
        assert anna.get(path).status_code in (403, 404), path
    nav = anna.get("/mentor/").get_data(as_text=True)
    assert "Учёт наставничества" not in nav and "Календарь" not in nav and "Мои пары и отчёты" in nav
    assert login_as(world.curator).get("/mentor/").status_code == 403


def test_quarterly_report_written_returned_fixed_and_accepted(world, login_as):
    m = builders.build(world)
    year, quarter = _now_quarter(m.anna_user)
    url = f"/mentor/reports/{year}/{quarter}"
    anna = login_as(m.anna_user)
    empty = anna.post(url, data={"action": "submit", "done": "x"})
    assert empty.status_code == 422 and "Заполните поле «Результаты»" in empty.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuarterlyReport)) == 0
    assert anna.post(url, data={**REPORT, "action": "submit"}).status_code == 302
    report = db.session.scalar(sa.select(QuarterlyReport))
    assert report.status is ReportStatus.submitted and report.mentor_id == m.anna.id
    assert anna.post(url, data={**REPORT, "action": "save"}).status_code == 409  # at the curator now

    curator = login_as(world.curator)
    review = f"/records/27-KHV-S1/mentor-reports/{report.id}"
    assert "Провели три встречи" in curator.get(review).get_data(as_text=True)
    no_comment = curator.post(review + "/return", data={"comment": " "})
    assert no_comment.status_code == 422 and "Напишите, что исправить" in no_comment.get_data(as_text=True)
    assert curator.post(review + "/return", data={"comment": "Добавьте результаты олимпиады"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(QuarterlyReport, report.id).status is ReportStatus.returned
    assert "Добавьте результаты олимпиады" in anna.get(url).get_data(as_text=True)
    assert curator.post(review + "/accept").status_code == 409  # returned: nothing to accept

    assert anna.post(url, data={**REPORT, "results": "Проект и олимпиада", "action": "submit"}).status_code == 302
    assert curator.post(review + "/accept").status_code == 302
    db.session.expire_all()
    final = db.session.get(QuarterlyReport, report.id)
    assert (final.status, final.results) == (ReportStatus.accepted, "Проект и олимпиада")
    actions = list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.target_type == "mentor_report")
                                      .order_by(AuditEntry.id)))
    assert actions == ["mentor_report.submitted", "mentor_report.returned", "mentor_report.submitted",
                       "mentor_report.accepted"]


def test_reports_are_the_mentors_own_and_reviewed_by_the_own_curator(world, login_as):
    m = builders.build(world)
    year, quarter = _now_quarter(m.anna_user)
    assert login_as(m.anna_user).post(f"/mentor/reports/{year}/{quarter}",
                                      data={**REPORT, "action": "submit"}).status_code == 302
    report = db.session.scalar(sa.select(QuarterlyReport))
    boris = login_as(m.boris_user)
    assert "Провели три встречи" not in boris.get(f"/mentor/reports/{year}/{quarter}").get_data(as_text=True)
    assert boris.get(f"/records/27-KHV-S1/mentor-reports/{report.id}").status_code == 403
    assert login_as(world.dod_curator).post(f"/records/27-KHV-S1/mentor-reports/{report.id}/accept").status_code == 403
    assert login_as(world.khv_official).get("/records/27-KHV-S1/mentor-reports").status_code == 403
    future = login_as(m.anna_user).post(f"/mentor/reports/{year + 1}/1", data={**REPORT, "action": "submit"})
    assert future.status_code == 422
    assert "Отчёт пишется за прошедший или текущий квартал." in future.get_data(as_text=True)
