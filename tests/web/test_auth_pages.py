"""Login, logout, sessions that end, CSRF and each role's start page."""
from registry.auth import services
from registry.extensions import db
from tests.conftest import CSRF_RE
from tests.web.conftest import text


def _signed_out(response) -> bool:
    """`/` shows the public home page with the way in, not a workplace."""
    page = text(response)
    return response.status_code == 200 and "Вход для сотрудников" in page and "Выйти" not in page


def test_anonymous_home_is_the_public_home_page(client, world):
    response = client.get("/")
    assert _signed_out(response)
    page = text(response)
    assert 'action="/registry/"' in page and world.khv.name in page  # the search form with its municipalities
    for link in ("/registry/honorary", "/registry/practices", "/registry/partners", "/auth/login"):
        assert f'href="{link}"' in page
    assert 'href="/"' in text(client.get("/auth/login"))  # the login page links back


def test_protected_page_asks_for_login_and_returns_after_it(browser, world):
    """An anonymous visitor is sent to the login form and back to the page after signing in."""
    url = f"/campaigns/27/{world.campaign.year}/review"
    response = browser.get(url)
    assert response.status_code == 302 and "/auth/login?next=" in response.headers["Location"]
    page = browser.get(response.headers["Location"])
    assert page.status_code == 200
    browser.csrf = CSRF_RE.search(text(page)).group(1)
    response = browser.client.post(f"/auth/login?next={url}", data={
        "email": world.khv_official.email, "password": "correct-horse-42", "csrf_token": browser.csrf})
    assert response.status_code == 302 and response.headers["Location"] == url


def test_wrong_password_is_refused(browser, world):
    response = browser.login(world.curator.email, "wrong-password")
    assert response.status_code == 401
    assert "Неверный адрес или пароль" in text(response)


def test_logout_voids_the_old_session_cookie(login_as, world):
    """A session cookie copied before logout no longer signs anyone in."""
    b = login_as(world.curator)
    assert b.get("/").status_code == 200
    stolen = b.client.get_cookie("session").value
    response = b.post("/auth/logout")
    assert response.status_code == 302
    assert _signed_out(b.get("/"))
    b.client.set_cookie("session", stolen)
    assert _signed_out(b.get("/"))


def test_post_without_csrf_token_is_refused(login_as, world):
    b = login_as(world.curator)
    response = b.client.post("/auth/logout")
    assert response.status_code == 400
    assert "Форма устарела" in text(response)
    assert b.get("/").status_code == 200  # still signed in: the forged logout did nothing


def test_each_role_gets_its_own_start_page(login_as, world):
    year = world.campaign.year
    curator = text(login_as(world.curator).get("/"))
    assert world.school.name in curator and f"Мониторинг {year} года" in curator
    assert "не позднее 20 октября" in curator and "черновик" in curator
    official = text(login_as(world.khv_official).get("/"))
    assert "Отчёты на проверке" in official and "Муниципальный отчёт" in official
    operator = text(login_as(world.operator).get("/"))
    assert "Сводка региона" in operator and "Управление кампаниями" in operator
    admin = text(login_as(world.admin).get("/"))
    assert "Пользователи" in admin and world.region.name in admin
    page = login_as(world.admin).get("/").get_data(as_text=True)
    menu = page.split('aria-label="Основное меню"')[1].split("</nav>")[0]
    assert 'href="/hierarchy/units">Подразделения<' in menu and 'href="/hierarchy/import">Загрузка иерархии<' in menu


def test_disabled_users_session_stops_working(login_as, world):
    b = login_as(world.curator)
    services.set_enabled(world.curator, False, actor=world.admin)
    db.session.commit()
    assert _signed_out(b.get("/"))
