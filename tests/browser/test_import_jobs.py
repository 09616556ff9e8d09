"""Long imports in a real browser: a refused file shows every error, the page of a running import refreshes itself
until the outcome shows, and one can leave and come back through «Мои загрузки»."""
import re

import pytest
from playwright.sync_api import expect

from registry.core.background_jobs import JobStatus
from registry.extensions import db
from registry.imports import jobs
from tests.hierarchy.files import csv_file

pytestmark = pytest.mark.browser
NEW = (("municipality", "27-NEW", "Новый район", "27", "", "", ""),
       ("organization", "27-NEW-S1", "Новая школа", "27-NEW", "general", "municipality", ""))
BAD = NEW + (("organization", "27-NEW-S2", "", "27-NEW", "general", "municipality", ""),)


def test_hierarchy_import_errors_progress_and_coming_back(world, session, tmp_path):
    operator = session(world.operator)
    page = operator.page
    page.goto("/hierarchy/import")
    (tmp_path / "bad.csv").write_bytes(csv_file(BAD))
    (tmp_path / "units.csv").write_bytes(csv_file(NEW))
    page.get_by_label("Файл иерархии (CSV или XLSX)").set_input_files(tmp_path / "bad.csv")
    page.get_by_role("button", name="Загрузить").click()
    errors = page.get_by_role("table", name="Ошибки в файле")
    expect(errors).to_contain_text("Не указано наименование.")
    expect(page.get_by_text("Загрузка не прошла")).to_be_visible()
    operator.shot("refused-with-errors")

    page.get_by_label("Файл иерархии (CSV или XLSX)").set_input_files(tmp_path / "units.csv")
    page.get_by_role("button", name="Загрузить").click()
    expect(page.get_by_role("table", name="Итоги загрузки")).to_be_visible()
    operator.shot("imported")

    # a long import: its page shows progress and reloads itself (no script) until the outcome is there
    job = jobs.create("hierarchy", "federal.csv", b"", actor=world.operator)
    job.status, job.done, job.total = JobStatus.running, 40_000, 100_000
    db.session.commit()
    page.goto(f"/hierarchy/import/jobs/{job.id}")
    expect(page.get_by_text("Страница обновляется сама")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "40000")
    operator.shot("running")
    job.status, job.done = JobStatus.done, 100_000
    job.result = {"rows": 100_000, "created": {"region": 0, "municipality": 0, "organization": 100_000},
                  "updated": dict.fromkeys(("region", "municipality", "organization"), 0),
                  "unchanged": dict.fromkeys(("region", "municipality", "organization"), 0)}
    db.session.commit()
    expect(page.get_by_text("Загрузка завершена")).to_be_visible()  # after the page's own refresh
    operator.shot("finished-after-refresh")

    # leave, then come back to the earlier imports from the list of one's own
    page.goto("/")
    page.goto("/hierarchy/import")
    page.get_by_role("link", name="Мои загрузки").first.click()
    rows = page.get_by_role("row")
    expect(rows).to_have_count(4)  # header + three imports, the latest first
    expect(rows.nth(1)).to_contain_text("federal.csv")
    expect(rows.nth(3)).to_contain_text("не загружено")
    operator.shot("my-imports")
    page.get_by_role("link", name="units.csv").click()
    expect(page).to_have_url(re.compile(r"/hierarchy/import/jobs/\d+$"))
    expect(page.get_by_role("table", name="Итоги загрузки")).to_be_visible()
    operator.shot("back-to-an-import")
