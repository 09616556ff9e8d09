"""A curator uploads the roadmap; the municipality returns it with a comment, then approves the corrected one."""
import re

import pytest
from playwright.sync_api import expect

from tests.registry.documents import files

pytestmark = pytest.mark.browser


def _upload_roadmap(page, tmp_path, name: str, number: str) -> None:
    path = tmp_path / name
    path.write_bytes(files.pdf())
    roadmap = page.get_by_role("region", name="Дорожная карта внедрения целевой модели")
    roadmap.get_by_label("Номер документа").fill(number)
    roadmap.get_by_label("Дата документа").fill("2025-09-01")
    roadmap.get_by_label(re.compile("^Файл")).set_input_files(str(path))
    roadmap.get_by_role("button", name="Загрузить: Дорожная карта").click()


def test_roadmap_is_returned_then_approved(world, session, tmp_path):
    curator = session(world.curator)
    page = curator.page
    page.get_by_role("link", name="Учёт наставничества").first.click()
    page.get_by_role("link", name="Документы").first.click()
    expect(page.get_by_role("heading", name="Документы организации")).to_be_visible()
    curator.shot("curator-register-empty")

    # a DOCM renamed to .docx is refused, and says why
    bad = tmp_path / "Дорожная карта.docx"
    bad.write_bytes(files.docm())
    roadmap = page.get_by_role("region", name="Дорожная карта внедрения целевой модели")
    roadmap.get_by_label("Номер документа").fill("12")
    roadmap.get_by_label("Дата документа").fill("2025-09-01")
    roadmap.get_by_label(re.compile("^Файл")).set_input_files(str(bad))
    roadmap.get_by_role("button", name="Загрузить: Дорожная карта").click()
    expect(page.get_by_role("alert").first).to_contain_text("макросы")
    curator.shot("curator-docm-refused")

    _upload_roadmap(page, tmp_path, "Дорожная карта.pdf", "12")
    expect(page.get_by_text("Дорожная карта отправлена на согласование").first).to_be_visible()
    curator.shot("curator-roadmap-sent")

    official = session(world.khv_official)
    review = official.page
    review.get_by_role("link", name="Документы организаций").first.click()
    expect(review.get_by_role("table", name="Наличие документов по организациям")).to_contain_text("на согласовании")
    official.shot("official-summary")
    review.get_by_role("link", name=world.school.name).click()
    review.get_by_role("button", name="Вернуть на доработку").click()
    expect(review.get_by_role("alert").first).to_contain_text("без комментария возврат невозможен")
    review.get_by_label(re.compile("Что исправить")).fill("Добавьте сроки второго этапа.")
    official.shot("official-returning")
    review.get_by_role("button", name="Вернуть на доработку").click()
    expect(review.get_by_text("возвращена на доработку").first).to_be_visible()
    official.shot("official-returned")

    page.reload()
    expect(page.get_by_text("Добавьте сроки второго этапа.").first).to_be_visible()
    _upload_roadmap(page, tmp_path, "Дорожная карта, ред. 2.pdf", "12/1")
    curator.shot("curator-second-version")

    review.reload()
    review.get_by_role("button", name="Утвердить дорожную карту").click()
    expect(review.get_by_text("Дорожная карта (версия 2) утверждена.").first).to_be_visible()
    official.shot("official-approved")
    page.reload()
    expect(page.get_by_text("утверждена").first).to_be_visible()
    curator.shot("curator-approved")
