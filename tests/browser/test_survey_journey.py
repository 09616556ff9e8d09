"""A satisfaction survey in a real browser: the curator opens it and downloads the QR sheet, a respondent scans a
code and answers on a phone, and the result appears on the curator's report form «из опроса»."""
import re
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.forms import field
from tests.browser.layout import sideways_scroll
from tests.surveys.helpers import answer, answers

pytestmark = pytest.mark.browser


def _decode_qr_codes(pdf_path, tmp_path) -> list[str]:
    """Render the sheet's first page (poppler's pdftoppm) and decode every QR code on it (zxing-cpp)."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm not found: install poppler-utils (scripts/test installs it)"
    command = [pdftoppm, "-r", "110", "-png", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "sheet")]
    subprocess.run(command, check=True, timeout=60)  # noqa: S603 - fixed argv
    image = Image.open(next(tmp_path.glob("sheet*.png")))
    return [code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]


def test_curator_opens_a_survey_prints_qr_codes_and_a_phone_answer_reaches_the_form(world, session, app, tmp_path):
    curator = session(world.curator)
    page = curator.page
    page.get_by_role("link", name="Заполнить отчёт").first.click()
    page.get_by_role("link", name="опросы удовлетворённости").first.click()
    page.get_by_label("Сколько одноразовых ссылок создать").first.fill("5")
    curator.shot("curator-survey-opening")
    page.get_by_role("button", name="Открыть опрос наставляемых").click()
    expect(page.get_by_text("добавлено ссылок — 5").first).to_be_visible()
    curator.shot("curator-survey-opened")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Скачать QR-коды")).first.click()
    sheet = tmp_path / "sheet.pdf"
    download.value.save_as(sheet)
    urls = _decode_qr_codes(sheet, tmp_path)
    assert len(urls) == 5 and all("/s/" in url for url in urls)

    client = app.test_client()  # four respondents answer elsewhere; the fifth scans the code on a phone
    for url in urls[1:]:
        assert answer(client, url, answers(7)).status_code == 201
    phone = session(None, PHONE)
    answer_page = phone.page
    answer_page.goto(urls[0])
    expect(answer_page.get_by_role("heading", name=re.compile("Анкета наставляемого"))).to_be_visible()
    phone.shot("phone-questionnaire")
    answer_page.get_by_role("button", name="Отправить ответы").click()  # nothing chosen: the page says what is missing
    expect(answer_page.get_by_role("alert").first).to_be_visible()
    phone.shot("phone-missing-answers")
    for number in range(1, 5):
        answer_page.get_by_role("group", name=re.compile(rf"^{number}\.")).get_by_label("10", exact=True).check()
    answer_page.get_by_role("group", name=re.compile(r"^5\.")).get_by_label("раз в неделю и чаще").check()
    answer_page.get_by_role("group", name=re.compile(r"^6\.")).get_by_label("да", exact=True).check()
    answer_page.get_by_label(re.compile("Что бы вы предложили")).fill("Чаще встречаться")
    assert sideways_scroll(answer_page) <= 0
    phone.shot("phone-answered")
    answer_page.get_by_role("button", name="Отправить ответы").click()
    expect(answer_page.get_by_role("heading", name=re.compile("Спасибо"))).to_be_visible()
    phone.shot("phone-thanks")
    answer_page.goto(urls[0])  # the link answers once
    expect(answer_page.get_by_text("уже ответили").first).to_be_visible()

    page.reload()
    expect(page.get_by_text("Ответили").first).to_be_visible()
    curator.shot("curator-survey-results")
    page.get_by_role("link", name=re.compile("Отчёт организации")).first.click()
    # four answers of 7 (66.7 %) and one of 10 (100 %): 73.3 %
    expect(field(page, "mentee_survey_respondents")).to_have_value("5")
    expect(field(page, "mentee_satisfaction_pct")).to_have_value("73,3")  # shown with a decimal comma
    expect(field(page, "mentee_satisfaction_pct")).to_have_attribute("readonly", "")
    expect(field(page, "mentee_satisfaction_pct")).to_have_accessible_description(re.compile("из опроса"))
    curator.shot("curator-form-from-survey")
