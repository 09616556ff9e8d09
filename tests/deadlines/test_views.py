"""The calendar page, the ICS feed with its secret token, and the in-app notification list."""
import re
from datetime import UTC, date, datetime

from freezegun import freeze_time
from icalendar import Calendar

from deadlines import feeds
from registry.extensions import db
from registry.notify import views
from registry.notify.models import Notification
from scheduler import jobs
from tests import factories
from tests.deadlines.conftest import notifications
from tests.support.listing import assert_sorts_and_pages, body

Y = factories.YEAR


def _feed_path(page: str) -> str:
    return re.search(r'value="http://localhost(/calendar/feed/[^"]+\.ics)"', page).group(1)


def _events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_calendar_page_shows_local_deadlines_and_days_left(world, login_as):
    with freeze_time(f"{Y}-10-15T00:00:00Z"):  # 15 October 10:00 in Khabarovsk
        page = login_as(world.curator).get("/calendar").get_data(as_text=True)
    assert "Календарь сроков" in page
    assert f"не позднее <strong>20 октября {Y} г.</strong>" in page
    assert f"закрывается 21 октября {Y} г., 00:00 по времени Владивостока" in page
    assert "осталось 5 дней" in page
    assert "ожидается" in page
    assert "Форум наставников" in page and f"25 декабря {Y} г., 10:00" in page
    assert "Центр «Косатка»" not in page  # only the curator's own organization


def test_calendar_shows_an_extension_for_the_own_unit(world, login_as):
    from deadlines import extension_grants
    campaign = world.campaign
    with freeze_time(f"{Y}-10-22T00:00:00Z"):
        extension_grants.grant(campaign, world.school, datetime.fromisoformat(f"{Y}-10-28T00:00:00+10:00"), "Болезнь",
                         actor=world.khv_official)
        db.session.commit()
        page = login_as(world.curator).get("/calendar").get_data(as_text=True)
    assert f"не позднее <strong>27 октября {Y} г.</strong>" in page
    assert f"продлено; общий срок — 21 октября {Y} г., 00:00" in page

    # sent under the extension, after the general deadline: «в срок», as on the dashboard and in the report
    from monitoring import services
    with freeze_time(f"{Y}-10-25T00:00:00Z"):
        services.save_values(campaign, world.school, dict(factories.VALID_VALUES), version=None,
                             actor=world.curator)
        services.submit(campaign, world.school, actor=world.curator)
        db.session.commit()
        page = login_as(world.curator).get("/calendar").get_data(as_text=True)
    assert "выполнено в срок" in page and "с опозданием" not in page


def test_region_operator_sees_every_level(world, login_as):
    with freeze_time(f"{Y}-10-01T00:00:00Z"):
        page = login_as(world.operator).get("/calendar").get_data(as_text=True)
    for title in ("Отчёты организаций (срок сдачи)", "Муниципальные отчёты (срок сдачи)", "Региональная сводка",
                  "Федеральные формы организаций (срок подачи)", "Форум наставников"):
        assert title in page
    assert f"не позднее <strong>20 января {Y + 1} г.</strong>" in page


def test_ics_feed_works_without_a_session_and_lists_own_deadlines(world, login_as, client):
    page = login_as(world.curator).get("/calendar").get_data(as_text=True)
    response = client.get(_feed_path(page))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response.data)
    own = events["Отчёт организации: Школа № 1 г. Хабаровска"]
    assert own.decoded("dtstart") == date(Y, 10, 20)  # all-day on the last day
    assert own.decoded("dtend") == date(Y, 10, 21)
    assert f"приём закрывается 21 октября {Y} г., 00:00 по времени Владивостока" in str(
        own["description"])
    assert str(own["url"]) == f"http://127.0.0.1:5000/campaigns/27/{Y}/submissions/27-KHV-S1"
    forum = events["Форум наставников"]
    assert forum.decoded("dtstart") == datetime.fromisoformat(f"{Y}-12-25T10:00:00+10:00")
    assert "Федеральная статистическая форма организации: Школа № 1 г. Хабаровска" in events
    assert not any("Косатка" in summary for summary in events)
    assert "Set-Cookie" not in response.headers


def test_regenerating_the_token_voids_the_old_feed_url(world, login_as, client):
    browser = login_as(world.curator)
    old = _feed_path(browser.get("/calendar").get_data(as_text=True))
    response = browser.post("/calendar/feed-token")
    assert response.status_code == 302
    new = _feed_path(browser.get("/calendar").get_data(as_text=True))
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_feed_refuses_wrong_tokens_and_disabled_users(world, client):
    good = f"/calendar/feed/{world.curator.id}/{feeds.feed_token(world.curator)}.ics"
    assert client.get(good).status_code == 200
    assert client.get(f"/calendar/feed/{world.dod_curator.id}/{feeds.feed_token(world.curator)}.ics").status_code \
        == 404
    assert client.get(f"/calendar/feed/{world.curator.id}/{'0' * 40}.ics").status_code == 404
    world.curator.is_enabled = False
    db.session.commit()
    assert client.get(good).status_code == 404


def test_notifications_page_counts_unread_and_marks_read(world, login_as):
    jobs.run_due(datetime.fromisoformat(f"{Y}-10-14T09:00:00+10:00"))
    browser = login_as(world.curator)
    page = browser.get("/notifications").get_data(as_text=True)
    assert 'aria-label="непрочитанных: 1"' in page
    assert "Напоминание: отчёт организации о показателях наставничества" in page
    assert f'href="/campaigns/27/{Y}/submissions/27-KHV-S1"' in page
    [note] = notifications(world.curator)
    other = notifications(world.dod_curator)[0]
    browser.post("/notifications/read", data={"id": str(other.id)})  # not theirs: nothing happens
    db.session.expire_all()
    assert notifications(world.dod_curator)[0].read_at is None
    response = browser.post("/notifications/read", data={"id": str(note.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert notifications(world.curator)[0].read_at is not None
    assert "непрочитанных" not in browser.get("/calendar").get_data(as_text=True)


def test_mark_all_read(world, login_as):
    jobs.run_due(datetime.fromisoformat(f"{Y}-10-07T09:00:00+10:00"))
    jobs.run_due(datetime.fromisoformat(f"{Y}-10-14T09:00:00+10:00"))
    browser = login_as(world.curator)
    assert 'aria-label="непрочитанных: 2"' in browser.get("/").get_data(as_text=True)
    browser.post("/notifications/read", data={})
    db.session.expire_all()
    assert all(n.read_at is not None for n in notifications(world.curator))
    assert all(n.read_at is None for n in notifications(world.dod_curator))


def test_notification_list_sorts_and_pages_and_mark_read_keeps_the_place(world, login_as, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    for day, title in ((3, "Бурая заметка"), (1, "Алая заметка"), (2, "Янтарная заметка")):
        db.session.add(Notification(user_id=world.curator.id, created_at=datetime(Y, 10, day, 9, tzinfo=UTC),
                                    kind="test", title=title, body="…"))
    db.session.add(Notification(user_id=world.dod_curator.id, created_at=datetime(Y, 10, 4, tzinfo=UTC), kind="test",
                                title="Чужая заметка", body="…"))
    db.session.commit()
    browser = login_as(world.curator)
    assert_sorts_and_pages(browser, "/notifications", "title", "Алая заметка", "Янтарная заметка",
                           default_first="Бурая заметка")  # newest first
    assert "Чужая заметка" not in body(browser, "/notifications") + body(browser, "/notifications?page=2")
    response = browser.post("/notifications/read", data={"page": "2", "sort": "title"})
    assert response.headers["Location"].endswith("/notifications?page=2&sort=title")
    bogus = browser.post("/notifications/read", data={"page": "2", "sort": "nope"})
    assert bogus.headers["Location"].endswith("/notifications?page=2")
