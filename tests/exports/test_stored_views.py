"""Downloads of a frozen campaign serve the stored files; the operator sees the sets and downloads one as a ZIP."""
import csv
import io
import zipfile

import sqlalchemy as sa

from exports import form_sets
from exports.catalog import FORM_FORMATS, get_form
from exports.models import FormSet, StoredForm
from monitoring import reports
from registry.core import export_store
from registry.core.clock import now_utc
from registry.extensions import db
from scheduler.form_jobs import build_federal_forms
from tests.exports.conftest import snapshot_sum
from tests.factories import YEAR

C = f"/campaigns/27/{YEAR}"
API = f"/api/v1/regions/27/campaigns/{YEAR}/federal-form"


def stored_bytes(unit_code: str, fmt: str, set_id: int | None = None) -> bytes:
    query = sa.select(StoredForm).where(StoredForm.unit_code == unit_code, StoredForm.format == fmt)
    if set_id is not None:
        query = query.where(StoredForm.set_id == set_id)
    stored = db.session.scalars(query.order_by(StoredForm.id.desc())).first()
    return (export_store.root() / stored.path).read_bytes()


def test_without_stored_sets_the_form_is_rendered_as_before(frozen, api_as):
    """Before any set is stored the form is rendered from the snapshot: the school's frozen values, with the
    checksum header, and byte for byte the file a stored set keeps once built."""
    world, curator = frozen.world, api_as(frozen.world.curator)
    response = curator.get(f"{API}?unit=27-KHV-S1&format=csv")
    assert response.status_code == 200 and "X-Form-Set" not in response.headers
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["X-Form-Preliminary"] == "false" and len(response.headers["X-Form-Checksum"]) == 64
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Форма", "Год", "Код подразделения"] and rows[0][8:] == ["Значение", "Формула"]
    values = {row[9]: row[8] for row in rows[1:] if row[9]}
    for code in ("students_total", "mentees_students", "mentees_form_teacher_student"):
        assert float(values[code]) == snapshot_sum(frozen.municipal, code, world.school.id), code
    assert {row[2] for row in rows[1:]} == {"27-KHV-S1"}

    build_federal_forms(now_utc())
    stored = curator.get(f"{API}?unit=27-KHV-S1&format=csv")
    assert "X-Form-Set" in stored.headers and stored.data == response.data
    assert stored.headers["X-Form-Checksum"] == response.headers["X-Form-Checksum"]


def test_downloads_serve_the_stored_file_unchanged_after_renames(frozen, login_as, api_as):
    world = frozen.world
    build_federal_forms(now_utc())
    old_school, old_khv = world.school.name, world.khv.name
    world.school.name, world.khv.name = "Переименованная школа", "Новое имя округа"
    db.session.commit()

    xml = login_as(world.curator).get(f"{C}/federal-form/27-KHV-S1/xml")
    assert xml.status_code == 200 and xml.data == stored_bytes("27-KHV-S1", "xml")
    assert old_school in xml.get_data(as_text=True) and "Переименованная" not in xml.get_data(as_text=True)
    # the school is read from the regional snapshot now: its file comes from the regional set
    regional_set = db.session.scalar(sa.select(FormSet.id).where(FormSet.level == "region"))
    assert xml.data == stored_bytes("27-KHV-S1", "xml", regional_set)

    response = api_as(world.khv_official).get(f"{API}?unit=27-KHV&format=xml")
    assert response.status_code == 200 and old_khv in response.get_data(as_text=True)
    assert response.headers["X-File-SHA256"] == export_store.sha256(response.data)
    assert response.headers["X-Form-Preliminary"] == "false"
    for fmt in FORM_FORMATS:
        assert api_as(world.operator).get(f"{API}?unit=27&format={fmt}").data == stored_bytes("27", fmt)


def test_an_older_set_stays_listed_and_downloadable(frozen, login_as, api_as):
    world = frozen.world
    build_federal_forms(now_utc())
    first = db.session.scalar(sa.select(FormSet.id).where(FormSet.level == "region"))
    first_pdf = stored_bytes("27", "pdf", first)
    world.region.name = "Хабаровский край (новое название)"
    reports.consolidate(world.campaign, actor=world.operator)
    db.session.commit()
    build_federal_forms(now_utc())
    second = db.session.scalar(sa.select(FormSet.id).where(FormSet.level == "region", FormSet.version == 2))

    operator = login_as(world.operator)
    latest = api_as(world.operator).get(f"{API}?unit=27&format=pdf")
    assert latest.headers["X-Form-Set"] == str(second) and latest.data == stored_bytes("27", "pdf", second)
    assert operator.get(f"{C}/federal-form/27/pdf?set={first}").data == first_pdf
    assert api_as(world.operator).get(f"{API}?unit=27&format=pdf&set={first}").data == first_pdf
    assert operator.get(f"{C}/federal-form/27/pdf?set=999999").status_code == 404
    page = operator.get(f"{C}/federal-form/27").get_data(as_text=True)
    assert f"27/pdf?set={first}" in page and f"27/pdf?set={second}" in page and "версия 1" in page


def test_a_damaged_file_is_replaced_by_a_render_of_the_same_snapshot(frozen, login_as):
    build_federal_forms(now_utc())
    stored = db.session.scalars(sa.select(StoredForm).where(StoredForm.unit_code == "27-KHV-S1",
                                                             StoredForm.format == "csv")
                                .order_by(StoredForm.id.desc())).first()
    good = (export_store.root() / stored.path).read_bytes()
    (export_store.root() / stored.path).write_bytes(good[::-1])
    response = login_as(frozen.world.curator).get(f"{C}/federal-form/27-KHV-S1/csv")
    assert response.status_code == 200 and response.data == good
    db.session.expire_all()  # the request marked it in its own session
    assert db.session.get(StoredForm, stored.id).status.value == "damaged"


def test_sets_queued_but_not_started_say_so(frozen, login_as):
    form_sets.discover(get_form())  # what the scheduler's run commits before it builds the first file
    db.session.commit()
    dashboard = login_as(frozen.world.operator).get(f"{C}/").get_data(as_text=True)
    queued = db.session.scalar(sa.select(sa.func.count()).select_from(FormSet))
    assert queued > 0 and f"наборов в очереди на построение: {queued}" in dashboard
    assert "ожидает построения планировщиком" in dashboard and "0 из 0" not in dashboard


def test_the_operator_sees_progress_and_downloads_a_whole_set(frozen, login_as):
    world = frozen.world
    operator = login_as(world.operator)
    dashboard = operator.get(f"{C}/").get_data(as_text=True)
    assert "Сохранённые федеральные формы" in dashboard and "Наборов пока нет" in dashboard
    build_federal_forms(now_utc())
    dashboard = operator.get(f"{C}/").get_data(as_text=True)
    assert "файлов сохранено: <strong>32 из 32</strong>" in dashboard
    page = operator.get(f"{C}/form-sets").get_data(as_text=True)
    assert "20 из 20 (100 %)" in page and "12 из 12 (100 %)" in page and "Скачать всё (ZIP)" in page
    assert f"«{world.region.name}», версия" in dashboard and f"<td>{world.khv.name} <span" in page  # names, not codes

    regional = db.session.scalar(sa.select(FormSet).where(FormSet.level == "region"))
    response = operator.get(f"{C}/form-sets/{regional.id}/zip")
    data = response.data
    response.close()  # the file is streamed from disk
    assert response.status_code == 200 and response.mimetype == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(data))
    names = bundle.namelist()
    assert len(names) == 20 + 1 and "manifest.csv" in names and "pdf/00_свод_Хабаровский_край.pdf" in names
    assert bundle.read("xml/Ванинский_колледж.xml") == stored_bytes("27-R-VMK", "xml", regional.id)
    again = operator.get(f"{C}/form-sets/{regional.id}/zip")
    assert again.data == data
    again.close()
    assert len(list(export_store.root().rglob("all-*.zip"))) == 1  # written once


def test_set_pages_are_for_region_staff_only(frozen, login_as):
    build_federal_forms(now_utc())
    regional = db.session.scalar(sa.select(FormSet.id).where(FormSet.level == "region"))
    for user in (frozen.world.khv_official, frozen.world.curator, frozen.world.other_operator):
        browser = login_as(user)
        assert browser.get(f"{C}/form-sets").status_code in (403, 404)
        assert browser.get(f"{C}/form-sets/{regional}/zip").status_code in (403, 404)


def test_a_damaged_file_in_a_set_stops_its_zip_and_the_mark_is_kept(frozen, login_as):
    build_federal_forms(now_utc())
    regional = db.session.scalar(sa.select(FormSet).where(FormSet.level == "region"))
    stored = db.session.scalars(sa.select(StoredForm).where(StoredForm.set_id == regional.id,
                                                             StoredForm.format == "csv")).first()
    path = export_store.root() / stored.path
    path.write_bytes(path.read_bytes()[::-1])  # same size: only a read finds it
    operator = login_as(frozen.world.operator)
    response = operator.get(f"{C}/form-sets/{regional.id}/zip")
    assert response.status_code == 302
    page = operator.get(response.headers["Location"]).get_data(as_text=True)
    assert "Часть файлов набора повреждена или отсутствует" in page
    db.session.expire_all()  # the redirect's request committed the mark in its own session
    assert db.session.get(StoredForm, stored.id).status.value == "damaged"
