"""The other side is told when a report is submitted, returned, accepted or reopened: in the app and by e-mail."""
import pytest
import sqlalchemy as sa

from monitoring import notifications as workflow
from monitoring import reports, services
from registry.core.clock import now_utc
from registry.core.errors import InvalidTransition
from registry.extensions import db
from registry.notify import services as notify_services
from registry.notify.mail import deliver_outbox
from registry.notify.models import Notification
from tests.deadlines.conftest import config, notifications, outbox, smtp, smtp_server  # noqa: F401 - fixtures
from tests.factories import VALID_VALUES


def _submitted(world, org=None, curator=None):
    org, curator = org or world.school, curator or world.curator
    services.save_values(world.campaign, org, dict(VALID_VALUES), version=None, actor=curator)
    services.submit(world.campaign, org, actor=curator)
    db.session.commit()


def _kinds(user) -> list[str]:
    return [n.kind for n in notifications(user)]


def test_each_step_of_an_organization_report_tells_the_other_side(world):
    _submitted(world)
    assert _kinds(world.khv_official) == ["submission-submitted"]
    assert _kinds(world.curator) == [] and _kinds(world.van_official) == [] and _kinds(world.operator) == []
    services.return_submission(world.campaign, world.school, "Уточните число пар.", actor=world.khv_official)
    db.session.commit()
    [returned] = notifications(world.curator)
    assert returned.kind == "submission-returned" and "Уточните число пар." in returned.body
    assert returned.link == f"/campaigns/27/{world.campaign.year}/submissions/27-KHV-S1"
    [mail] = outbox(world.curator.email)
    assert "Уточните число пар." in mail.body and world.school.name in mail.subject
    services.submit(world.campaign, world.school, actor=world.curator)
    services.accept(world.campaign, world.school, actor=world.khv_official)
    services.reopen(world.campaign, world.school, actor=world.khv_official, comment="Ошибка в числе пар")
    db.session.commit()
    assert _kinds(world.curator) == ["submission-returned", "submission-accepted", "submission-reopened"]
    assert _kinds(world.khv_official) == ["submission-submitted", "submission-submitted"]


def test_a_region_subordinate_organization_is_reviewed_by_the_operators(world):
    _submitted(world, world.college, world.college_curator)
    assert _kinds(world.operator) == ["submission-submitted"]
    assert _kinds(world.other_operator) == [] and _kinds(world.van_official) == []


def test_a_double_submit_or_a_retried_event_tells_nobody_twice(world):
    _submitted(world)
    with pytest.raises(InvalidTransition):
        services.submit(world.campaign, world.school, actor=world.curator)
    db.session.rollback()
    submission = services.get_submission(world.campaign, world.school)
    told = workflow.submission_event(submission, "submitted", reporting_municipality_id=world.khv.id, comment=None,
                                     now=now_utc())
    db.session.commit()
    assert told == 0
    assert len(notifications(world.khv_official)) == 1 and len(outbox(world.khv_official.email)) == 1


def test_the_database_refuses_a_second_notification_for_the_same_cause(world):
    _submitted(world)
    [first] = notifications(world.khv_official)
    db.session.add(Notification(user_id=first.user_id, created_at=now_utc(), kind=first.kind, title="x", body="x",
                                cause_key=first.cause_key))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_municipal_report_steps_tell_the_operators_then_the_officials(world):
    reports.submit_report(world.campaign, world.khv, actor=world.khv_official)
    db.session.commit()
    assert _kinds(world.operator) == ["report-submitted"] and _kinds(world.other_operator) == []
    reports.return_report(world.campaign, world.khv, "Не хватает школы.", actor=world.operator)
    db.session.commit()
    [returned] = notifications(world.khv_official)
    assert returned.kind == "report-returned" and "Не хватает школы." in returned.body
    assert _kinds(world.van_official) == []
    reports.submit_report(world.campaign, world.khv, actor=world.khv_official)
    reports.accept_report(world.campaign, world.khv, actor=world.operator)
    db.session.commit()
    assert _kinds(world.khv_official) == ["report-returned", "report-accepted"]
    assert _kinds(world.operator) == ["report-submitted", "report-submitted"]


def test_a_declined_kind_is_kept_in_the_app_without_an_email(world):
    notify_services.set_email_choices(world.curator, {"submission-returned": False})
    _submitted(world)
    services.return_submission(world.campaign, world.school, "Исправьте.", actor=world.khv_official)
    services.submit(world.campaign, world.school, actor=world.curator)
    services.accept(world.campaign, world.school, actor=world.khv_official)
    db.session.commit()
    assert _kinds(world.curator) == ["submission-returned", "submission-accepted"]
    assert [m.subject.split(":")[0] for m in outbox(world.curator.email)] == ["Отчёт принят"]


def test_the_return_email_reaches_the_smtp_server_once(world, smtp):  # noqa: F811 - the imported fixture
    _submitted(world)
    services.return_submission(world.campaign, world.school, "Уточните число пар.", actor=world.khv_official)
    db.session.commit()
    deliver_outbox(now_utc())
    deliver_outbox(now_utc())
    [mail] = smtp.to(world.curator.email)
    assert mail["Subject"] == f"Отчёт возвращён на доработку: {world.school.name}"
    assert "Уточните число пар." in mail.get_content()


def test_the_settings_page_stores_the_choice_per_kind(world, login_as):
    b = login_as(world.curator)
    page = b.get("/notifications/settings").get_data(as_text=True)
    assert 'value="submission-returned" checked' in page
    assert b.post("/notifications/settings", data={"email": ["submission-accepted"]}).status_code == 302
    choices = notify_services.email_choices(world.curator)
    assert choices["submission-returned"] is False and choices["submission-accepted"] is True
    assert 'value="submission-returned">' in b.get("/notifications/settings").get_data(as_text=True)
