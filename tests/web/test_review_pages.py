"""Reviewing organizations' reports: the queue, return with a comment, accept, reopen."""
import sqlalchemy as sa

from monitoring import services
from monitoring.models import Submission, SubmissionStatus
from registry.extensions import db
from tests.factories import VALID_VALUES
from tests.web.conftest import campaign_url, submission_url, text


def _submitted(world, org, curator):
    services.save_values(world.campaign, org, dict(VALID_VALUES), version=None, actor=curator)
    services.submit(world.campaign, org, actor=curator)
    db.session.commit()


def _status(org) -> SubmissionStatus:
    db.session.expire_all()
    return db.session.scalar(sa.select(Submission.status).where(Submission.organization_id == org.id))


def test_official_returns_only_with_a_comment_then_accepts(login_as, world):
    """Returning without a comment is refused next to the comment box; the curator sees the comment on home."""
    _submitted(world, world.school, world.curator)
    official = login_as(world.khv_official)
    url = submission_url(world, world.school)
    page = text(official.get(url))
    assert "Принять" in page and "Вернуть на доработку" in page

    response = official.post(url + "/return", {"comment": "   "})
    assert response.status_code == 422
    assert "комментарий обязателен при возврате" in text(response)
    assert 'id="return-comment-error"' in text(response)
    assert _status(world.school) is SubmissionStatus.submitted

    response = official.post(url + "/return", {"comment": "Проверьте число педагогов до 35 лет"})
    assert response.status_code == 302 and response.headers["Location"] == url
    assert _status(world.school) is SubmissionStatus.returned

    curator = login_as(world.curator)
    home = text(curator.get("/"))
    assert "Проверьте число педагогов до 35 лет" in home and "возвращён на доработку" in home
    form = text(curator.get(url))
    assert "Проверьте число педагогов до 35 лет" in form and "Отправить на проверку" in form
    assert curator.post(url + "/submit", {**{k: str(v) for k, v in VALID_VALUES.items()},
                                          "version": "3"}).status_code == 302
    assert _status(world.school) is SubmissionStatus.submitted

    response = official.post(url + "/accept")
    assert response.status_code == 302
    assert _status(world.school) is SubmissionStatus.accepted
    page = text(official.get(url))
    assert "Переоткрыть" in page and "принят" in page

    assert official.post(url + "/reopen", {"comment": "Ошибка в численности"}).status_code == 302
    assert _status(world.school) is SubmissionStatus.submitted
    history = text(official.get(url))
    assert "переоткрыт для проверки" in history and "Ошибка в численности" in history


def test_queue_lists_only_the_officials_organizations_and_filters_by_status(login_as, world):
    _submitted(world, world.school, world.curator)
    official = login_as(world.khv_official)
    page = text(official.get(campaign_url(world, "review")))
    assert world.school.name in page and world.dod.name in page
    assert world.van_school.name not in page and world.college.name not in page
    submitted = text(official.get(campaign_url(world, "review?status=submitted")))
    assert world.school.name in submitted and world.dod.name not in submitted
    drafts = text(official.get(campaign_url(world, "review?status=draft")))
    assert world.dod.name in drafts and world.school.name not in drafts
    assert official.get(campaign_url(world, "review?status=nonsense")).status_code == 404


def test_accept_from_the_queue_returns_to_the_queue(login_as, world):
    _submitted(world, world.school, world.curator)
    official = login_as(world.khv_official)
    queue = campaign_url(world, "review?status=submitted")
    accept = submission_url(world, world.school) + "/accept"
    assert f'href="{accept}?next=' in text(official.get(queue))  # a confirmation page first
    confirmation = text(official.get(accept, query_string={"next": queue}))
    assert f'name="next" value="{queue}"' in confirmation.replace("&amp;", "&")
    assert _status(world.school) is SubmissionStatus.submitted
    response = official.post(accept, {"next": queue})
    assert response.status_code == 302 and response.headers["Location"] == queue
    assert _status(world.school) is SubmissionStatus.accepted


def test_region_operator_reviews_direct_organizations_and_reads_the_rest(login_as, world):
    _submitted(world, world.college, world.college_curator)
    _submitted(world, world.school, world.curator)
    operator = login_as(world.operator)
    page = text(operator.get(campaign_url(world, "review")))
    assert world.college.name in page and world.school.name in page  # everything, read-only where not theirs
    direct = text(operator.get(campaign_url(world, "review?parent=region")))
    assert world.college.name in direct and world.school.name not in direct
    assert "Принять" not in text(operator.get(submission_url(world, world.school)))
    assert operator.post(submission_url(world, world.school) + "/accept").status_code == 403
    assert operator.post(submission_url(world, world.college) + "/accept").status_code == 302
    assert _status(world.college) is SubmissionStatus.accepted


def test_accepting_twice_is_an_invalid_transition(login_as, world):
    _submitted(world, world.school, world.curator)
    official = login_as(world.khv_official)
    official.post(submission_url(world, world.school) + "/accept")
    response = official.post(submission_url(world, world.school) + "/accept")
    assert response.status_code == 409
    assert "Нельзя перевести отчёт" in text(response)


def test_return_from_a_queue_row_goes_back_to_the_queue(login_as, world):
    _submitted(world, world.school, world.curator)
    official = login_as(world.khv_official)
    queue = campaign_url(world, "review?status=submitted")
    page = text(official.get(queue))
    assert '<label for="comment-27-KHV-S1">Что исправить (обязательно)</label>' in page
    response = official.post(submission_url(world, world.school) + "/return",
                              {"comment": "Нет данных опроса", "next": queue})
    assert response.status_code == 302 and response.headers["Location"] == queue
    assert _status(world.school) is SubmissionStatus.returned


def test_next_never_leaves_the_site(login_as, world):
    _submitted(world, world.school, world.curator)
    response = login_as(world.khv_official).post(submission_url(world, world.school) + "/accept",
                                                 {"next": "//evil.example/phish"})
    assert response.headers["Location"] == submission_url(world, world.school)
