"""What rotating SECRET_KEY does (README «Эксплуатация»): browser sessions and feed links end, API tokens stay."""
from deadlines.feeds import feed_token
from tests.api.helpers import submission_url


def test_rotating_the_secret_key_ends_sessions_and_feed_links_but_not_api_tokens(app, world, login_as, api_as,
                                                                                  monkeypatch):
    browser = login_as(world.curator)
    api = api_as(world.curator)
    assert browser.get("/calendar").status_code == 200
    old_feed = feed_token(world.curator)

    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-secret-key")
    response = browser.get("/calendar")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]  # logged out
    assert feed_token(world.curator) != old_feed  # the subscription URL changed
    assert api.get(submission_url(world.school.code)).status_code == 200  # the bearer token still works
    assert login_as(world.curator).get("/calendar").status_code == 200  # logging in again works
