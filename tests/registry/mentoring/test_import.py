"""Bulk import: CSV in the encodings Russian users have, XLSX, a preview with every error, all or nothing."""
import io
import re
from pathlib import Path

import openpyxl
import sqlalchemy as sa

from registry.extensions import db
from registry.mentoring.models import Consent, Mentee, Mentor, MentoringPair
from registry.mentoring.vocab import GivenBy, MentorCategory, forms_of

MENTORS = ("code;full_name;category;position;forms;consent_date\n"
           "M1;Ёлкина Анна;teacher;учитель;teacher_student, student_student;01.09.2024\n"
           "M2;Петров Пётр;employer;мастер;employer_student;\n")
R = "/records/27-KHV-S1"


def upload(browser, kind: str, data: bytes, name: str):
    """Upload, then follow to the page of the job checking the file (jobs run inline in tests): the preview."""
    return browser.client.post(R + "/import", data={"kind": kind, "csrf_token": browser.csrf,
                                                    "file": (io.BytesIO(data), name)},
                               content_type="multipart/form-data", follow_redirects=True)


def confirm(browser, preview):
    token = re.search(r'name="token" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    return browser.post(R + "/import/confirm", {"token": token})


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_windows_1251_csv_is_previewed_then_imported(world, login_as):
    b = login_as(world.curator)
    preview = upload(b, "mentors", MENTORS.encode("cp1251"), "mentors.csv")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Строк данных: 2" in page and "Ёлкина Анна" in page
    assert count(Mentor) == 0  # the preview writes nothing
    assert confirm(b, preview).status_code == 302
    mentors = {m.code: m for m in db.session.scalars(sa.select(Mentor))}
    assert mentors["M1"].full_name == "Ёлкина Анна" and mentors["M2"].category is MentorCategory.employer
    consent = db.session.scalar(sa.select(Consent))
    assert consent.mentor_id == mentors["M1"].id and consent.given_by is GivenBy.subject


def test_reimporting_the_same_file_changes_nothing(world, login_as):
    b = login_as(world.curator)
    comma = MENTORS.replace(";", ",").replace("teacher_student, student_student", '"teacher_student, student_student"')
    confirm(b, upload(b, "mentors", ("\ufeff" + comma).encode("utf-8"), "m.csv"))
    page = upload(b, "mentors", MENTORS.encode("utf-8"), "m.csv").get_data(as_text=True)
    assert "новых записей: 0; обновляемых: 2" in page
    confirm(b, upload(b, "mentors", MENTORS.encode("utf-8"), "m.csv"))
    assert count(Mentor) == 2 and count(Consent) == 1


def test_errors_are_reported_per_row_and_column_and_nothing_is_written(world, login_as):
    bad = MENTORS + "M1;Дубль;teacher;;;\nM3;;wizard;;bogus;32.13.2024\n"
    b = login_as(world.curator)
    response = upload(b, "mentors", bad.encode("utf-8"), "bad.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="token"' not in page and "Проверка завершена" in page
    for line, column in ((4, "Код"), (5, "ФИО"), (5, "Категория"), (5, "Формы наставничества"),
                         (5, "Дата согласия")):
        assert re.search(rf'<td class="num">{line}</td><td>{column}</td>', page), (line, column)
    assert count(Mentor) == 0


def test_the_header_is_checked_first(world, login_as):
    page = upload(login_as(world.curator), "mentors", b"name;kind\n1;2\n", "x.csv").get_data(as_text=True)
    assert "Неизвестные столбцы: name, kind" in page and "Нет обязательных столбцов: Код, ФИО, Категория" in page


def test_xlsx_mentees_then_pairs_referring_to_codes(world, login_as):
    b = login_as(world.curator)
    confirm(b, upload(b, "mentors", MENTORS.encode("utf-8"), "m.csv"))
    mentees = xlsx([("code", "full_name", "category", "birth_date", "consent_date", "consent_guardian"),
                    ("K1", "Ребёнок Первый", "student", "01.02.2012", "01.09.2024", "Мама Первая"),
                    ("K2", "Ребёнок Второй", "student", None, None, None),
                    ("T1", "Педагог Молодой", "young_teacher", "1999-05-05", "01.09.2024", None)])
    assert confirm(b, upload(b, "mentees", mentees, "mentees.xlsx")).status_code == 302
    assert count(Mentee) == 3 and count(Consent) == 3
    pairs = xlsx([("code", "form", "kind", "start_on", "mentors", "mentees", "status", "order_ref"),
                  ("P1", "teacher_student", "group", "01.09.2024", "M1", "K1, K2", "approved", "№ 5"),
                  ("P2", "teacher_teacher", "traditional", "01.09.2024", "M1;M2", "T1", None, None)])
    assert confirm(b, upload(b, "pairs", pairs, "pairs.xlsx")).status_code == 302
    pair = db.session.scalar(sa.select(MentoringPair).where(MentoringPair.code == "P1"))
    assert {m.code for m in pair.current_mentees} == {"K1", "K2"} and pair.order_ref == "№ 5"
    second = db.session.scalar(sa.select(MentoringPair).where(MentoringPair.code == "P2"))
    assert {m.code for m in second.current_mentors} == {"M1", "M2"}


def test_a_minor_needs_a_guardian_and_pairs_need_known_codes(world, login_as):
    b = login_as(world.curator)
    page = upload(b, "mentees", b"code;full_name;category;consent_date\nK1;X;student;01.09.2024\n",
                  "k.csv").get_data(as_text=True)
    assert "<td>Законный представитель</td>" in page and "законного" in page
    page = upload(b, "pairs", b"code;form;kind;start_on;mentors;mentees\nP1;teacher_student;traditional;"
                              b"01.09.2024;M9;K9\n", "p.csv").get_data(as_text=True)
    assert "Нет действующих записей с кодами: M9" in page and "K9" in page


def test_templates_and_export_use_the_import_columns(world, login_as):
    b = login_as(world.curator)
    confirm(b, upload(b, "mentors", MENTORS.encode("utf-8"), "m.csv"))
    book = openpyxl.load_workbook(io.BytesIO(b.get("/records/import/template/mentors.xlsx").data))
    assert next(book.worksheets[0].iter_rows(values_only=True))[:3] == ("Код", "ФИО", "Категория")
    assert [s.title for s in book.worksheets] == ["Наставники", "Списки", "Пояснения"]
    csv_template = b.get("/records/import/template/pairs.csv").data.decode("utf-8-sig")
    assert csv_template.startswith("Код;Форма наставничества;Вид наставничества;Дата начала;Наставники (коды);")
    exported = b.get(R + "/export/mentors.csv").data
    assert "Ёлкина Анна;педагог;учитель;;ученик — ученик, учитель — ученик;" in exported.decode("utf-8-sig")
    db.session.execute(sa.delete(Consent))
    db.session.commit()  # the upload now writes its job: no write lock may stay open here
    page = upload(b, "mentors", exported, "export.csv").get_data(as_text=True)
    assert "новых записей: 0; обновляемых: 2" in page  # the export loads back as is


def test_only_the_curator_imports(world, login_as):
    assert login_as(world.khv_official).get(R + "/import").status_code == 403
    assert login_as(world.van_curator).get(R + "/import").status_code == 403


def test_an_error_after_written_batches_still_leaves_nothing(world, login_as, monkeypatch):
    from registry.mentoring.services import imports
    monkeypatch.setattr(imports, "BATCH", 2)  # rows are written in batches before the bad row is read
    good = "".join(f"M{i};Наставник {i};teacher;;;\n" for i in range(7))
    b = login_as(world.curator)
    preview = upload(b, "mentors", (MENTORS.split("\n")[0] + "\n" + good).encode("utf-8"), "m.csv")
    token = re.search(r'name="token" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    # between the preview and the confirmation the stored file gains a bad last row (line 9), read only
    # after three batches of good rows were already written
    path = Path(b.client.application.config["RECORD_IMPORTS_DIR"]) / f"{token}.upload"
    path.write_text(path.read_text(encoding="utf-8") + "M99;;wizard;;;\n", encoding="utf-8")
    response = b.post(R + "/import/confirm", {"token": token}, follow_redirects=True)  # to the job's page
    assert response.status_code == 200 and "строка 9" in response.get_data(as_text=True)
    assert count(Mentor) == 0


def _validations(sheet) -> dict[str, list[str]]:
    """Header → the values of its drop-down list, read back from the template as a spreadsheet program would."""
    book = sheet.parent
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        sheet_name, ref = validation.formula1.split("!")
        values = [c.value for row in book[sheet_name.strip("'")][ref.replace("$", "")] for c in row]
        for column in str(validation.sqref).split():
            lists[headers[column.rstrip("0123456789").split(":")[0].rstrip("0123456789")]] = values
    return lists


def test_xlsx_templates_carry_drop_down_lists_of_russian_values(world, login_as):
    b = login_as(world.curator)
    page = b.get(R + "/import").get_data(as_text=True)
    for kind in ("mentors", "mentees", "pairs"):  # every template is linked from the upload page
        assert f"/records/import/template/{kind}.xlsx" in page and f"/records/import/template/{kind}.csv" in page
    mentors = _validations(openpyxl.load_workbook(io.BytesIO(b.get("/records/import/template/mentors.xlsx").data))
                           .worksheets[0])
    assert "обучающийся" in mentors["Категория"] and "ученик — ученик" in mentors["Формы наставничества"]
    pairs = _validations(openpyxl.load_workbook(io.BytesIO(b.get("/records/import/template/pairs.xlsx").data))
                         .worksheets[0])
    assert set(pairs) == {"Форма наставничества", "Вид наставничества", "Ролевая модель", "Статус"}
    assert pairs["Статус"] == ["формируется", "утверждена приказом", "работает"]
    assert "традиционное" in pairs["Вид наставничества"]
    mentees = _validations(openpyxl.load_workbook(io.BytesIO(b.get("/records/import/template/mentees.xlsx").data))
                           .worksheets[0])
    assert mentees["Категория"] == ["обучающийся", "молодой педагог", "педагог"]


def test_russian_headers_and_values_load_and_english_codes_still_do(world, login_as):
    b = login_as(world.curator)
    russian = ("Код;ФИО;Категория;Формы наставничества\n"
               "M1;Ёлкина Анна;Обучающийся;ученик - ученик, учитель — учитель\n"
               "M2;Петров Пётр;employer;employer_student\n")
    confirm(b, upload(b, "mentors", russian.encode("utf-8"), "ru.csv"))
    mentors = {m.code: m for m in db.session.scalars(sa.select(Mentor))}
    assert mentors["M1"].category is MentorCategory.student and mentors["M2"].category is MentorCategory.employer
    assert [f.value for f in forms_of(mentors["M1"].forms)] == ["student_student", "teacher_teacher"]
    pairs = ("Код;Форма наставничества;Вид наставничества;Дата начала;Наставники (коды);Наставляемые (коды);Статус\n"
             "P1;ученик — ученик;традиционное («один на один»);01.09.2024;M1;K1\n")
    page = upload(b, "mentees", "Код;ФИО;Категория\nK1;Ученик Иван;обучающийся\n".encode(), "k.csv")
    confirm(b, page)
    confirm(b, upload(b, "pairs", pairs.encode("utf-8"), "p.csv"))
    pair = db.session.scalar(sa.select(MentoringPair))
    assert (pair.form.value, pair.kind.value) == ("student_student", "traditional")


def test_a_wrong_russian_value_names_the_row_the_column_and_the_choices(world, login_as):
    page = upload(login_as(world.curator), "mentees", "Код;ФИО;Категория\nK1;Иванов Иван;школьник\n".encode(),
                  "k.csv").get_data(as_text=True)
    assert '<td class="num">2</td><td>Категория</td>' in page
    assert "Недопустимое значение «школьник»: допустимы «обучающийся», «молодой педагог», «педагог»." in page
    assert count(Mentee) == 0
