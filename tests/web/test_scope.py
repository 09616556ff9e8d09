"""Every page is scoped: out of scope → 403, unknown → 404, anonymous → login."""
import pytest

from tests import factories

Y = factories.YEAR
C = f"/campaigns/27/{Y}"


@pytest.mark.parametrize(("who", "method", "url", "status"), [
    # a curator sees only its own organization's report
    ("curator", "get", f"{C}/submissions/27-KHV-DOD", 403),
    ("curator", "post", f"{C}/submissions/27-KHV-DOD", 403),
    ("curator", "get", f"{C}/submissions/27-KHV-S1", 200),
    ("curator", "get", f"{C}/review", 403),
    ("curator", "get", f"{C}/", 403),
    ("curator", "get", f"{C}/municipalities/27-KHV/report", 403),
    ("curator", "get", "/campaigns/27/", 403),
    ("curator", "get", "/admin/users", 403),
    # a municipal official sees the organizations reporting to it, not the neighbour's nor the region's
    ("van_official", "get", f"{C}/submissions/27-KHV-S1", 403),
    ("van_official", "post", f"{C}/submissions/27-KHV-S1/accept", 403),
    ("van_official", "post", f"{C}/submissions/27-KHV-S1/return", 403),
    ("van_official", "get", f"{C}/submissions/27-R-VMK", 403),  # located in VAN but reports to the region
    ("van_official", "get", f"{C}/municipalities/27-KHV/report", 403),
    ("van_official", "post", f"{C}/municipalities/27-KHV/report/submit", 403),
    ("van_official", "get", f"{C}/municipalities/27-VAN/report", 200),
    ("van_official", "get", f"{C}/members", 403),
    ("van_official", "get", f"{C}/edit", 403),
    ("van_official", "get", f"{C}/extensions", 200),
    # a region operator of another region sees nothing of region 27
    ("other_operator", "get", f"{C}/", 403),
    ("other_operator", "get", "/campaigns/27/", 403),
    ("other_operator", "get", f"{C}/review", 403),
    ("other_operator", "get", f"{C}/submissions/27-KHV-S1", 403),
    ("other_operator", "get", f"{C}/municipalities/27-KHV/report", 403),
    ("other_operator", "post", f"{C}/consolidate", 403),
    ("other_operator", "get", f"{C}/extensions", 403),
    ("other_operator", "get", f"/campaigns/79/{Y}/", 200),
    # region staff read everything of their region
    ("operator", "get", f"{C}/submissions/27-KHV-S1", 200),
    ("operator", "get", f"{C}/municipalities/27-VAN/report", 200),
    ("operator", "get", "/admin/users", 403),
    ("admin", "get", f"{C}/", 200),
    ("admin", "get", "/admin/users", 200),
    # unknown things are 404
    ("operator", "get", f"/campaigns/99/{Y}/", 404),
    ("operator", "get", f"/campaigns/27/{Y + 5}/", 404),
    ("operator", "get", f"{C}/submissions/NOPE", 404),
    ("operator", "get", f"{C}/submissions/79-BIR-S1", 404),  # an organization of another region
    ("operator", "get", f"{C}/municipalities/79-BIR/report", 404),
    ("operator", "get", f"{C}/snapshots/12345", 404),
    ("admin", "post", "/admin/users/12345/disable", 404),
])
def test_scope(login_as, world, who, method, url, status):
    browser = login_as(getattr(world, who))
    response = getattr(browser, method)(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]


@pytest.mark.parametrize("url", [f"{C}/", f"{C}/review", f"{C}/submissions/27-KHV-S1", "/campaigns/27/",
                                 f"{C}/municipalities/27-KHV/report", "/admin/users", f"{C}/extensions"])
def test_anonymous_is_sent_to_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_forbidden_page_is_a_readable_russian_page(login_as, world):
    response = login_as(world.curator).get(f"{C}/submissions/27-KHV-DOD")
    body = response.get_data(as_text=True)
    assert "Недостаточно прав" in body and "На главную" in body


@pytest.mark.parametrize(("url", "message"), [
    (f"{C}/submissions/NOPE", "Организация с кодом «NOPE» не найдена в регионе."),
    (f"/campaigns/27/{Y + 5}/review", f"Кампания {Y + 5} года для региона 27 не открыта."),
    (f"{C}/municipalities/79-BIR/report", "Муниципалитет с кодом «79-BIR» не найден в регионе."),
    (f"{C}/snapshots/12345", "Срез 12345 в этой кампании не найден."),
])
def test_what_a_page_url_names_and_is_missing_is_the_html_404_page(login_as, world, url, message):
    """The loaders of monitoring.access raise NotFound for pages and the API alike: a page shows the HTML error page
    (the one error model of registry.core.web) with the loader's words."""
    response = login_as(world.operator).get(url)
    body = response.get_data(as_text=True)
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Ошибка 404" in body and message in body and "На главную" in body


def test_the_region_is_checked_before_the_campaign_on_pages(login_as, world):
    """Someone outside the region learns nothing about its campaigns: 403 whether the year has a campaign or not."""
    other = login_as(world.other_operator)
    assert other.get(f"/campaigns/27/{Y + 5}/review").status_code == 403
    assert other.get(f"{C}/review").status_code == 403
