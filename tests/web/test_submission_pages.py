"""The curator's report form: errors next to fields, nothing typed is lost, save, submit, conflicts, closed window."""
from datetime import timedelta

import sqlalchemy as sa

from deadlines.models import Campaign
from monitoring.models import Submission, SubmissionStatus
from registry.core.clock import now_utc
from registry.extensions import db
from tests.factories import VALID_VALUES
from tests.web.conftest import form_data, hidden_version, submission_url, text


def _submission(world) -> Submission:
    db.session.expire_all()
    return db.session.scalar(sa.select(Submission).where(Submission.organization_id == world.school.id))


def test_form_is_grouped_labelled_and_empty_at_first(login_as, world):
    page = login_as(world.curator).get(submission_url(world, world.school))
    body = text(page)
    assert page.status_code == 200
    assert "<legend>Обучающиеся</legend>" in body and "<legend>Опросы удовлетворённости</legend>" in body
    assert '<label for="f-students_total">Численность обучающихся, всего</label>' in body
    assert 'id="f-students_total" name="students_total" type="text" value=""' in body
    assert 'name="version" value="0"' in body
    assert "Сохранить черновик" in body and "Отправить на проверку" in body
    assert "Сумма четырёх категорий ниже должна быть равна этому числу." in body  # help text


def test_curator_fixes_a_control_ratio_error_saves_and_submits(login_as, world):
    """A control-ratio error is shown next to its field with status 422 and every typed value is kept."""
    b = login_as(world.curator)
    url = submission_url(world, world.school)
    wrong = dict(VALID_VALUES, mentees_students=1200)  # more mentees than students
    response = b.post(url, form_data(wrong, version=0))
    body = text(response)
    assert response.status_code == 422
    assert 'id="f-mentees_students" name="mentees_students" type="text" value="1200"' in body
    assert 'value="1000"' in body and 'value="80"' in body  # the other typed values are still there
    field = body[body.index('id="f-mentees_students"'):]
    field = field[:field.index("</div>\n    </div>")]
    assert "Не может превышать показатель «Численность обучающихся, всего» (1000)." in field
    assert 'id="f-mentees_students-error"' in field
    assert _submission(world) is None  # nothing was stored

    response = b.post(url, form_data(VALID_VALUES, version=0))
    assert response.status_code == 302
    page = b.get(url)
    assert "Черновик сохранён (версия 1)" in text(page)
    assert hidden_version(page) == 1 and 'value="1000"' in text(page)
    assert _submission(world).status is SubmissionStatus.draft

    response = b.post(url + "/submit", form_data(VALID_VALUES, version=1))
    assert response.status_code == 302
    page = text(b.get(url))
    assert "Отчёт отправлен на проверку" in page and "на проверке" in page
    assert "Сохранить черновик" not in page  # read-only while under review
    assert "отправлен на проверку" in page and "curator" in page  # history: event and who
    assert _submission(world).status is SubmissionStatus.submitted


def test_submit_with_changed_values_saves_and_submits_at_once(login_as, world):
    b = login_as(world.curator)
    url = submission_url(world, world.school)
    b.post(url, form_data({"students_total": 5}, version=0))
    response = b.post(url + "/submit", form_data(VALID_VALUES, version=1))
    assert response.status_code == 302
    submission = _submission(world)
    assert submission.status is SubmissionStatus.submitted and submission.version == 3
    assert [v.event for v in submission.versions] == ["submitted", "saved", "saved"]


def test_incomplete_submit_keeps_the_draft_and_names_missing_fields(login_as, world):
    """Sending an incomplete report is refused, but what was typed is saved as a draft: the form comes back with the
    refusal and the typed values, as a success answer so that the request's transaction keeps the draft."""
    b = login_as(world.curator)
    url = submission_url(world, world.school)
    response = b.post(url + "/submit", form_data({"students_total": 900}, version=0))
    body = text(response)
    assert response.status_code == 200
    assert "Черновик сохранён (версия 1), но на проверку отчёт не отправлен." in body
    assert _submission(world).status is SubmissionStatus.draft
    assert "Заполните показатель: без него отчёт нельзя отправить." in body
    assert 'value="900"' in body and hidden_version(response) == 1
    assert _submission(world).value_map() == {"students_total": 900}

    again = b.post(url + "/submit", form_data({"students_total": 900}, version=1))  # nothing new to save
    assert again.status_code == 422 and "Заполните показатель: без него отчёт нельзя отправить." in text(again)
    assert "на проверку отчёт не отправлен" not in text(again) and _submission(world).version == 1


def test_empty_inputs_mean_not_filled_and_numbers_may_have_spaces_and_commas(login_as, world):
    b = login_as(world.curator)
    data = form_data({"students_total": "1 000", "mentee_survey_respondents": "10", "mentee_satisfaction_pct": "87,5"},
                     version=0)
    assert b.post(submission_url(world, world.school), data).status_code == 302
    assert _submission(world).value_map() == {"students_total": 1000, "mentee_survey_respondents": 10,
                                              "mentee_satisfaction_pct": 87.5}


def test_unreadable_number_is_refused_next_to_its_field(login_as, world):
    response = login_as(world.curator).post(submission_url(world, world.school),
                                            form_data({"students_total": "много"}, version=0))
    assert response.status_code == 422
    assert "Введите число цифрами" in text(response) and 'value="много"' in text(response)


def test_stale_version_shows_current_values_and_keeps_the_input(login_as, world):
    """Two tabs: the second save is refused with 409, shows what is stored now and keeps what was typed."""
    b = login_as(world.curator)
    url = submission_url(world, world.school)
    b.post(url, form_data({"students_total": 500}, version=0))
    response = b.post(url, form_data({"students_total": 777}, version=0))
    body = text(response)
    assert response.status_code == 409
    assert "Отчёт изменён в другом месте" in body
    assert 'value="777"' in body and "Сейчас в системе: 500" in body
    assert hidden_version(response) == 1  # saving again now deliberately replaces the current values
    assert _submission(world).value_map() == {"students_total": 500}
    assert b.post(url, form_data({"students_total": 777}, version=1)).status_code == 302
    assert _submission(world).value_map() == {"students_total": 777}


def test_closed_window_refuses_with_the_deadline_message(login_as, world):
    b = login_as(world.curator)
    url = submission_url(world, world.school)
    campaign = db.session.get(Campaign, world.campaign.id)
    campaign.organization_deadline = now_utc() - timedelta(hours=1)
    db.session.commit()
    page = text(b.get(url))
    assert "Приём данных организаций закрыт" in page and "Сохранить черновик" not in page
    response = b.post(url, form_data({"students_total": 321}, version=0))
    assert response.status_code == 423
    body = text(response)
    assert "Приём данных организаций закрыт" in body and "Продление может предоставить" in body
    assert 'value="321"' in body  # the typed value is still on the page to copy


def test_reviewer_sees_the_report_read_only(login_as, world):
    login_as(world.curator).post(submission_url(world, world.school), form_data({"students_total": 1234}, version=0))
    page = login_as(world.khv_official).get(submission_url(world, world.school))
    body = text(page)
    assert page.status_code == 200
    assert "1\u00a0234" in body and "Сохранить черновик" not in body and 'name="students_total" type="text"' not in body
    response = login_as(world.khv_official).post(submission_url(world, world.school),
                                                 form_data({"students_total": 1}, version=1))
    assert response.status_code == 403
