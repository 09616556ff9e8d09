"""Dashboards: the review queue's filters, sort and pages; the region's matrix, charts, overdue list and extension."""
import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from lxml import html

from deadlines import extension_grants
from deadlines.models import Extension
from hierarchy.models import OrgType
from monitoring import campaigns, reports, services
from monitoring.views.charts import LABEL_W, indicator_chart
from registry.core.audit import AuditEntry
from registry.core.clock import now_utc
from registry.extensions import db
from tests import factories
from tests.factories import VALID_VALUES
from tests.web.conftest import campaign_url, submission_url, text


def _cell(element) -> str:
    """A cell's text with runs of ordinary white space collapsed (non-breaking spaces kept: they are the format)."""
    return re.sub(r"[ \t\n]+", " ", element.text_content()).strip()


def _rows(response, table_index: int = 0) -> list[list[str]]:
    """The body rows of a page's n-th table, as lists of cell texts (header cells included)."""
    table = html.fromstring(text(response)).xpath("//table")[table_index]
    return [[_cell(c) for c in tr.xpath("./th|./td")] for tr in table.xpath("./tbody/tr")]


def _names(response) -> list[str]:
    """Organization names of the review queue, in page order."""
    return [a.text_content() for a in html.fromstring(text(response)).xpath("//table/tbody/tr/td[1]/a")]


def _submit(world, org, curator, values=None, **kwargs):
    services.save_values(world.campaign, org, dict(values or VALID_VALUES), version=None, actor=curator, **kwargs)
    services.submit(world.campaign, org, actor=curator, **kwargs)


def _close_organization_window(world):
    """The organizations' deadline passed yesterday (the municipalities' is still ahead)."""
    world.campaign.organization_deadline = now_utc() - timedelta(days=1)
    db.session.commit()


def test_queue_filters_by_status_and_type_and_stays_in_scope(login_as, world):
    _submit(world, world.school, world.curator)
    _submit(world, world.van_school, world.van_curator)
    db.session.commit()
    official = login_as(world.khv_official)
    queue = campaign_url(world, "review")
    assert _names(official.get(queue)) == [world.dod.name, world.school.name]  # by name; never VAN or the region
    assert _names(official.get(queue + "?type=additional")) == [world.dod.name]
    assert _names(official.get(queue + "?status=submitted")) == [world.school.name]
    assert _names(official.get(queue + "?status=draft&type=general")) == []
    # an official cannot widen the scope with the region staff's filter
    assert world.van_school.name not in text(official.get(queue + "?parent=27-VAN"))
    assert official.get(queue + "?type=nonsense").status_code == 404

    operator = login_as(world.operator)
    assert _names(operator.get(queue + "?parent=27-VAN")) == [world.van_school.name]
    assert _names(operator.get(queue + "?parent=region&type=vocational")) == [world.college.name]
    assert world.foreign_school.name not in text(operator.get(queue))


def test_queue_sorts_and_paginates_keeping_filters(login_as, world):
    for n in range(55):
        org = factories.organization(world.region, world.khv, f"27-KHV-X{n:02d}", name=f"Школа-{n:02d}")
        campaigns.add_member(world.campaign, org, actor=world.operator)
    db.session.commit()
    official = login_as(world.khv_official)
    queue = campaign_url(world, "review")
    first = official.get(queue + "?type=general")
    names = _names(first)
    assert len(names) == 50 and names == sorted(names) and "Страница 1 из 2" in text(first)
    second = official.get(queue + "?type=general&page=2")
    rest = _names(second)
    assert len(rest) == 6 and not set(rest) & set(names)  # 55 new schools + school № 1, no Центр (additional)
    assert world.dod.name not in names + rest
    # the pager keeps the filter; the header link reverses the order and goes back to page 1
    assert f'href="{queue}?type=general&amp;page=2"' in text(first)
    assert f'href="{queue}?type=general&amp;sort=-name"' in text(second)
    backwards = official.get(queue + "?type=general&sort=-name")
    assert _names(backwards)[0] == max(names + rest)
    assert 'aria-sort="descending"' in text(backwards)
    assert _names(official.get(queue + "?sort=bogus"))[:2] == sorted(names + rest + [world.dod.name])[:2]


def test_overdue_filter_and_one_click_extension_with_audit(login_as, world):
    _submit(world, world.dod, world.dod_curator)
    db.session.commit()
    _close_organization_window(world)
    official = login_as(world.khv_official)
    overdue = campaign_url(world, "review?overdue=1")
    page = official.get(overdue)
    assert _names(page) == [world.school.name] and "Продлить на 7 дней" in text(page)

    url = campaign_url(world, f"extensions/{world.school.code}/quick")
    response = official.post(url, {"next": "/" + overdue.lstrip("/")})
    assert response.status_code == 302 and response.headers["Location"].endswith("review?overdue=1")
    extension = db.session.scalar(sa.select(Extension))
    assert extension.unit_id == world.school.id and extension.granted_by_id == world.khv_official.id
    assert extension.until > now_utc() + timedelta(days=6)
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "extension.granted"))
    assert audit.actor_id == world.khv_official.id and world.school.code in audit.target_key
    assert _names(official.get(overdue)) == []
    # the curator may write again; the neighbour official may not extend a KHV school
    assert "Сохранить черновик" in text(login_as(world.curator).get(submission_url(world, world.school)))
    assert login_as(world.van_official).post(url).status_code == 403


def test_region_matrix_counts_a_known_world(login_as, world):
    _submit(world, world.school, world.curator)
    services.accept(world.campaign, world.school, actor=world.khv_official)
    _submit(world, world.dod, world.dod_curator)
    services.save_values(world.campaign, world.van_school, {"students_total": 5}, version=None,
                         actor=world.van_curator)
    _submit(world, world.college, world.college_curator)
    services.return_submission(world.campaign, world.college, "Уточните число наставников", actor=world.operator)
    db.session.commit()
    _close_organization_window(world)

    page = login_as(world.operator).get(campaign_url(world))
    rows = {row[0]: row[2:10] for row in _rows(page, 0)}
    # not started, draft, returned, submitted, accepted, overdue, late, all
    assert rows[world.khv.name] == ["0", "0", "0", "1", "1", "0", "2", "2"]
    assert rows[world.van.name] == ["0", "1", "0", "0", "0", "1", "0", "1"]
    assert rows["Организации, подчинённые региону"] == ["0", "0", "1", "0", "0", "1", "0", "1"]
    foot = html.fromstring(text(page)).xpath("//table[contains(@class,'matrix')]/tfoot/tr")[0]
    assert [_cell(c) for c in foot][2:11] == ["0", "1", "1", "1", "1", "2", "2", "4",
                                                                      "25 %"]
    # a count drills down to the queue filtered by its unit and status
    assert f'href="{campaign_url(world, "review")}?parent=27-VAN&amp;overdue=1"' in text(page)
    overdue_rows = _rows(page, 1)
    assert [r[0].split(" 27-")[0] for r in overdue_rows] == [world.college.name, world.van_school.name]
    assert "Продлить на 7 дней" in text(page)


def test_dashboard_chart_numbers_and_consolidation(login_as, world):
    _submit(world, world.college, world.college_curator)
    services.accept(world.campaign, world.college, actor=world.operator)
    db.session.commit()
    operator = login_as(world.operator)
    page = text(operator.get(campaign_url(world)))
    svg = html.fromstring(page).xpath("//figure[@class='chart']/svg")[0]  # (the header's icons are SVG too)
    assert svg.get("role") == "img" and svg.xpath("./title") and svg.xpath("./desc")
    assert "R1" in svg.xpath("./desc")[0].text_content() and len(svg.xpath(".//rect")) >= 10
    assert "1\u00a0000" in page  # the college's students, Russian digit grouping
    response = operator.post(campaign_url(world, "consolidate"))
    assert response.status_code == 302 and "/snapshots/" in response.headers["Location"]
    assert "Версия 1" in text(operator.get(campaign_url(world)))


def test_municipal_page_has_plan_vs_fact_chart_and_missing_list(login_as, world):
    _submit(world, world.school, world.curator)
    services.accept(world.campaign, world.school, actor=world.khv_official)
    db.session.commit()
    page = text(login_as(world.khv_official).get(campaign_url(world, "municipalities/27-KHV/report")))
    assert 'id="municipal-chart-title"' in page and "Показатели: факт и цель (план)" in page
    assert "Не приняты (1)" in page and world.dod.name in page


def test_reviewer_sees_last_years_values_beside_this_years(login_as, world):
    before = factories.open_campaign(world.region, factories.YEAR - 1, world.admin)
    past = datetime(factories.YEAR - 1, 10, 1, tzinfo=UTC)
    services.save_values(before, world.school, dict(VALID_VALUES, students_total=1234), version=None,
                         actor=world.curator, now=past)
    _submit(world, world.school, world.curator)
    db.session.commit()
    page = login_as(world.khv_official).get(submission_url(world, world.school))
    body = text(page)
    assert f"{factories.YEAR - 1} год" in body
    rows = {row[0]: row[1:] for row in _rows(page, 0)}
    assert rows["Численность обучающихся, всего"] == ["1\u00a0000", "1\u00a0234"]
    services.return_submission(world.campaign, world.school, "Проверьте численность", actor=world.khv_official)
    db.session.commit()
    form = text(login_as(world.curator).get(submission_url(world, world.school)))
    assert f"В {factories.YEAR - 1} году: 1\u00a0234" in form  # under the input the curator edits again
    assert "году:" not in text(login_as(world.dod_curator).get(submission_url(world, world.dod)))  # no last year


def test_curator_home_shows_the_due_day_in_russian(login_as, world):
    page = text(login_as(world.curator).get("/"))
    assert f"не позднее 20 октября {factories.YEAR} г." in page
    assert 'href="/records/"' in page and 'href="/registry/"' in page and 'href="/imports/"' in page


def test_every_form_control_is_labelled(login_as, world):
    _submit(world, world.school, world.curator)
    _submit(world, world.college, world.college_curator)  # inline accept/return on the region's page
    reports.submit_report(world.campaign, world.khv, actor=world.khv_official)  # and on its municipal decisions
    db.session.commit()
    pages = {
        world.curator: ["/", submission_url(world, world.school)],
        world.dod_curator: [submission_url(world, world.dod)],
        world.khv_official: ["/", campaign_url(world, "review"), submission_url(world, world.school),
                             campaign_url(world, "municipalities/27-KHV/report"), campaign_url(world, "extensions")],
        world.operator: ["/", campaign_url(world), campaign_url(world, "review"), campaign_url(world, "members"),
                         campaign_url(world, "edit"), campaign_url(world, "extensions"), "/campaigns/27/"],
    }
    for user, urls in pages.items():
        browser = login_as(user)
        for url in urls:
            response = browser.get(url)
            assert response.status_code == 200, url
            assert not _unlabelled(text(response)), (url, _unlabelled(text(response)))
            if url == campaign_url(world):  # the inline return forms were really there
                assert "Муниципальные отчёты на решении (1)" in text(response)
                assert 'id="comment-27-KHV"' in text(response) and 'id="comment-27-R-VMK"' in text(response)


def _unlabelled(page: str) -> list[str]:
    """Controls without a label (and duplicate ids, which would make a label point at the wrong control)."""
    tree = html.fromstring(page)
    ids = tree.xpath("//@id")
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        return [f"duplicate id {i}" for i in duplicates]
    labelled = {label.get("for") for label in tree.xpath("//label[@for]")}
    missing = []
    for control in tree.xpath("//input|//select|//textarea"):
        if control.get("type") in ("hidden", "submit", "button"):
            continue
        if control.get("id") in labelled or control.get("aria-label") or control.get("aria-labelledby"):
            continue
        if control.xpath("ancestor::label"):
            continue
        missing.append(html.tostring(control, encoding="unicode")[:120])
    return missing


def test_org_type_filter_counts_only_that_type(login_as, world):
    extra = factories.organization(world.region, world.khv, "27-KHV-D2", OrgType.additional, name="Дом творчества")
    campaigns.add_member(world.campaign, extra, actor=world.operator)
    db.session.commit()
    names = _names(login_as(world.khv_official).get(campaign_url(world, "review?type=additional&sort=-name")))
    assert names == [world.dod.name, extra.name]  # «Центр…» after «Дом…» reversed


def test_extension_list_sorts_by_end_and_official_home_links_overdue(login_as, world):
    now = now_utc()
    for org, days in ((world.school, 30), (world.dod, 10)):
        extension_grants.grant(world.campaign, org, now + timedelta(days=days), "болезнь", actor=world.khv_official)
    db.session.commit()
    official = login_as(world.khv_official)
    url = campaign_url(world, "extensions")
    newest_first = [r[0] for r in _rows(official.get(url))]
    assert world.dod.name in newest_first[0] and world.school.name in newest_first[1]
    by_end = official.get(url + "?sort=until")
    assert [r[0] for r in _rows(by_end)] == newest_first and 'aria-sort="ascending"' in text(by_end)
    assert world.dod.name in _rows(official.get(url + "?sort=-until"))[1][0]

    _close_organization_window(world)  # the extensions keep both open: nobody of KHV is overdue
    home = html.fromstring(text(official.get("/")))
    link = home.xpath("//a[contains(@href, 'overdue=1')]")[0]
    assert link.text_content() == "0"


def test_chart_puts_each_number_after_its_bar_and_target():
    rows = [{"code": "R1", "label": "Доля", "value": 59.3, "target": 70.0, "reached": False},
            {"code": "R2", "label": "Доля", "value": None, "target": None, "reached": None}]
    chart = indicator_chart(rows, "Показатели")
    first, second = chart["bars"]
    assert first["target_x"] > LABEL_W + first["width"] and first["value_x"] > first["target_x"]
    assert first["value_text"] == "59,3 %" and first["state"] == "below"
    assert second["width"] == 0 and second["target_x"] is None and second["value_text"] == "нет данных"
    assert "R1 Доля: факт 59,3 %, цель 70 %" in chart["desc"]


def test_drill_down_region_to_municipality_to_organization(login_as, world):
    operator = login_as(world.operator)
    region = text(operator.get(campaign_url(world)))
    municipal_url = campaign_url(world, "municipalities/27-KHV/report")
    assert f'href="{municipal_url}"' in region
    municipal = text(operator.get(municipal_url))
    queue_url = campaign_url(world, "review") + "?parent=27-KHV"
    assert f'href="{queue_url}"' in municipal and "← Сводка региона" in municipal
    queue = operator.get(queue_url)
    assert _names(queue) == [world.dod.name, world.school.name]
    assert f'href="{submission_url(world, world.school)}"' in text(queue)
    assert "← Сводка региона" not in text(login_as(world.khv_official).get(municipal_url))


def test_region_view_searches_its_direct_and_overdue_organizations_by_name(login_as, world):
    """The two organization tables of the region view have their own search box (a GET form, no script); searching
    one keeps the other's search, and each says when nothing matched."""
    _submit(world, world.dod, world.dod_curator)
    db.session.commit()
    _close_organization_window(world)  # overdue now: the Vanino school and the college
    b = login_as(world.operator)
    word = world.van_school.name.split()[-1]
    page = text(b.get(campaign_url(world) + f"?overdue_q={word}"))
    overdue = html.fromstring(page).xpath("//h2[@id='overdue']/following::table[1]/tbody/tr/td[1]/a")
    assert [a.text_content() for a in overdue] == [world.van_school.name]
    assert 'name="overdue_q"' in page and 'name="direct_q"' in page and 'action="#overdue"' in page
    direct = html.fromstring(page).xpath("//h2[@id='direct']/following::table[1]/tbody/tr/td[1]/a")
    assert [a.text_content() for a in direct] == [world.college.name]  # the other list is not filtered

    page = text(b.get(campaign_url(world) + f"?direct_q=нет такой&overdue_q={word}"))
    assert "Ничего не найдено по запросу «нет такой»" in page
    assert f'<input type="hidden" name="overdue_q" value="{word}">' in page  # the direct search keeps the other
    page = text(b.get(campaign_url(world) + "?overdue_q=нет такой"))
    assert "Среди просроченных ничего не найдено по запросу «нет такой»" in page


def test_times_name_the_region_zone_once_in_prose_and_in_table_headers(login_as, world):
    """«по времени Владивостока» comes from the `local` filter after a time in prose, and once in the header of a
    table whose cells show bare times."""
    _submit(world, world.college, world.college_curator)
    db.session.commit()
    curator_home = text(login_as(world.curator).get("/"))
    assert re.search(r"приём закрывается \d\d\.\d\d\.\d{4} \d\d:\d\d по времени Владивостока\)", curator_home)
    assert "по времени Владивостока по времени" not in curator_home
    page = html.fromstring(text(login_as(world.operator).get(campaign_url(world))))
    headers = [th.text_content().strip() for th in page.xpath("//h2[@id='direct']/following::table[1]/thead//th")]
    assert "Изменён (по времени Владивостока)" in headers
    cells = [td.text_content() for td in page.xpath("//h2[@id='direct']/following::table[1]/tbody/tr/td[4]")]
    assert cells and all(re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", c.strip()) for c in cells), cells
