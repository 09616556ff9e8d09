"""A municipal official finds a mentor recorded by two schools, filters the registry by form and downloads it."""
import openpyxl
import pytest
from playwright.sync_api import expect

from registry.extensions import db
from registry.mentoring.vocab import Form, MentorCategory
from tests.registry.mentoring import builders

pytestmark = pytest.mark.browser
SNILS = "112-233-445 95"


def test_official_finds_a_mentor_across_two_schools_and_downloads_the_xlsx(world, session, tmp_path):
    builders.mentor(world.school, "Связкина Вера Ильинична", snils=SNILS, forms=[Form.teacher_student])
    builders.mentor(world.dod, "Связкина Вера Ильинична", snils=SNILS, forms=[Form.teacher_teacher])
    builders.mentor(world.dod, "Иная Ольга", category=MentorCategory.student, forms=[Form.student_pupil])
    db.session.commit()

    official = session(world.khv_official)
    page = official.page
    page.get_by_role("link", name="Реестр наставников и наставляемых").click()
    expect(page.get_by_role("heading", name="Реестр наставников и наставляемых: наставники")).to_be_visible()
    expect(page.get_by_text("По организациям: 3; различных людей: 2")).to_be_visible()
    page.get_by_label("Поиск").fill("Связкина")
    page.get_by_role("button", name="Показать").click()
    rows = page.get_by_role("row").filter(has_text="Связкина Вера Ильинична")
    expect(rows).to_have_count(2)
    expect(page.get_by_text("По организациям: 2; различных людей: 1")).to_be_visible()
    official.shot("one-person-two-schools")

    page.get_by_label("Поиск").fill("")
    page.get_by_label("Форма").select_option("teacher_teacher")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_role("row").filter(has_text="Иная Ольга")).to_have_count(0)
    official.shot("filtered-by-form")
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    path = tmp_path / "registry.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["ФИО", "Организация"]
    assert [(r[0], r[1], r[5]) for r in rows[1:]] == [("Связкина Вера Ильинична", world.dod.name, "***-***-*** 95")]
