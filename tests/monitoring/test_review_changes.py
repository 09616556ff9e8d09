"""The reviewer sees what changed since the returned version; a return comment shows only while it applies."""
from datetime import timedelta

from monitoring import review_changes, services
from registry.extensions import db
from tests import factories
from tests.factories import VALID_VALUES
from tests.web.conftest import submission_url, text


def _returned_and_resubmitted(world, **changed):
    c = world.campaign
    services.save_values(c, world.school, dict(VALID_VALUES), version=None, actor=world.curator)
    services.submit(c, world.school, actor=world.curator)
    services.return_submission(c, world.school, "Уточните число пар.", actor=world.khv_official)
    services.save_values(c, world.school, dict(VALID_VALUES, **changed), version=None, actor=world.curator)
    services.submit(c, world.school, actor=world.curator)
    db.session.commit()


def test_changes_since_the_returned_version_per_field_with_unusual_change_flags(world):
    last_year = factories.open_campaign(world.region, factories.YEAR - 1, world.admin)
    services.save_values(last_year, world.school, dict(VALID_VALUES), version=None, actor=world.curator,
                         now=last_year.organization_deadline - timedelta(days=5))
    _returned_and_resubmitted(world, pairs_total=148, groups_total=30)
    submission = services.get_submission(world.campaign, world.school)
    returned, changes = review_changes.changes_since_return(world.campaign, world.school, submission)
    assert returned.event == "returned"
    assert [(c.label, c.old, c.new) for c in changes] == [("Наставнических пар", 150, 148),
                                                          ("Наставнических групп", 12, 30)]
    assert changes[0].flags == [] and "+150%" in changes[1].flags[0]


def test_the_review_page_shows_the_differences_and_the_comment_history(world, login_as):
    _returned_and_resubmitted(world, pairs_total=148)
    page = text(login_as(world.khv_official).get(submission_url(world, world.school)))
    assert "Что изменилось после возврата" in page and "Наставнических пар" in page
    assert "Комментарий проверяющего при возврате" not in page  # sent again: the comment no longer applies
    assert "Уточните число пар." in page  # … but stays in the history, with its own date


def test_a_return_comment_applies_until_the_report_is_sent_again_never_after_acceptance(world, login_as):
    c = world.campaign
    services.save_values(c, world.school, dict(VALID_VALUES), version=None, actor=world.curator)
    services.submit(c, world.school, actor=world.curator)
    services.return_submission(c, world.school, "Уточните число пар.", actor=world.khv_official)
    db.session.commit()
    submission = services.get_submission(c, world.school)
    current = review_changes.current_comment(submission)
    returned_at = submission.reviewed_at
    assert current.text == "Уточните число пар." and current.at == returned_at
    curator = login_as(world.curator)
    assert "Комментарий проверяющего при возврате" in text(curator.get(submission_url(world, world.school)))
    services.submit(c, world.school, actor=world.curator)
    services.accept(c, world.school, actor=world.khv_official)
    db.session.commit()
    assert review_changes.current_comment(services.get_submission(c, world.school)) is None
    page = text(curator.get(submission_url(world, world.school)))
    assert "Комментарий проверяющего при возврате" not in page and "Уточните число пар." in page
