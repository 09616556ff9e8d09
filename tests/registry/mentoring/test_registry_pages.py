"""The region registry pages (PRODUCT.md §9): scoped per role, filtered, with totals and streamed downloads."""
import csv
import io

import openpyxl

from registry.extensions import db
from registry.mentoring.models import Mentor, MentoringPair
from registry.mentoring.vocab import Form, MentorCategory
from tests.registry.mentoring import builders

SNILS = "112-233-445 95"


def _records(world):
    student = builders.mentor(world.college, "Колледжев Пётр", category=MentorCategory.student, snils=SNILS,
                              forms=[Form.student_pupil])
    builders.mentor(world.school, "Колледжев Пётр", category=MentorCategory.student, snils=SNILS,
                    forms=[Form.student_pupil])
    builders.mentor(world.dod, "Учителева Анна", forms=[Form.teacher_student])
    builders.mentor(world.van_school, "Ванинская Ольга", forms=[Form.teacher_student])
    pupil = builders.mentee(world.school, "Школьников Ваня")
    builders.pair(world.school, [student], [pupil], form=Form.student_pupil)
    db.session.commit()


def test_a_municipal_official_sees_their_organizations_with_distinct_persons(world, login_as):
    _records(world)
    page = login_as(world.khv_official).get("/records/registry/27/mentors").get_data(as_text=True)
    assert "Учителева Анна" in page and "Колледжев Пётр" in page and "Ванинская Ольга" not in page
    assert "По организациям: <strong>2</strong>; различных людей: <strong>2</strong>" in page
    assert "***-***-*** 95" in page and SNILS not in page
    region = login_as(world.operator).get("/records/registry/27/mentors").get_data(as_text=True)
    assert "По организациям: <strong>4</strong>; различных людей: <strong>3</strong>" in region
    filtered = login_as(world.operator).get("/records/registry/27/mentors?form=student_pupil&q=колледжев")
    assert "По организациям: <strong>2</strong>; различных людей: <strong>1</strong>" in filtered.get_data(as_text=True)
    assert login_as(world.curator).get("/records/registry/27/mentors").status_code == 403


def test_a_name_search_counts_its_matches_up_to_a_cap(world, login_as, monkeypatch):
    from registry.mentoring.views import registry as registry_views

    _records(world)
    monkeypatch.setattr(registry_views, "SEARCH_COUNT_CAP", 1)
    operator = login_as(world.operator)
    common = operator.get("/records/registry/27/mentors?q=колледжев").get_data(as_text=True)
    assert "Найдено больше <strong>1</strong> записей: уточните поиск" in common
    assert "различных людей" not in common and common.count("Колледжев Пётр") >= 2  # the page still lists them
    rare = operator.get("/records/registry/27/mentors?q=Учителева").get_data(as_text=True)
    assert "По организациям: <strong>1</strong>; различных людей: <strong>1</strong>" in rare
    whole = operator.get("/records/registry/27/mentors").get_data(as_text=True)  # no search: counted in full
    assert "По организациям: <strong>4</strong>; различных людей: <strong>3</strong>" in whole


def test_the_college_sees_the_cross_organization_pair_without_the_pupil(world, login_as):
    _records(world)
    pairs = login_as(world.van_official).get("/records/registry/27/pairs").get_data(as_text=True)
    assert "Межорганизационная" in pairs and "Школьников Ваня" not in pairs
    khv = login_as(world.khv_official).get("/records/registry/27/pairs").get_data(as_text=True)
    assert "Школьников Ваня" in khv and "наставник: Ванинский колледж" in khv
    own = login_as(world.college_curator).get("/records/27-R-VMK/pairs").get_data(as_text=True)
    assert "Колледжев Пётр" in own and "Школьников Ваня" not in own and "другой организации" in own


def test_downloads_hold_the_filtered_list(world, login_as):
    _records(world)
    official = login_as(world.khv_official)
    response = official.get("/records/registry/27/mentors.xlsx?form=teacher_student")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    response.close()  # the spooled workbook file is closed with the response
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][0] == "ФИО" and [r[0] for r in rows[1:]] == ["Учителева Анна"]
    text = official.get("/records/registry/27/mentees.csv").get_data(as_text=True).lstrip("\ufeff")
    assert [r[0] for r in csv.reader(io.StringIO(text), delimiter=";")] == ["ФИО", "Школьников Ваня"]
    assert login_as(world.curator).get("/records/registry/27/mentees.csv").status_code == 403
    pairs = official.get("/records/registry/27/pairs.csv").get_data(as_text=True)
    assert "Колледжев Пётр" in pairs and "Школьников Ваня" in pairs
    partners = official.get("/records/registry/27/partners.xlsx")
    assert partners.status_code == 200
    partners.close()


def test_the_curator_enters_a_snils_that_others_see_masked(world, login_as):
    curator = login_as(world.curator)
    wrong = curator.post("/records/27-KHV-S1/mentors/new", data={"full_name": "Формова Ия", "category": "teacher",
                                                                 "snils": "112-233-445 96"})
    assert wrong.status_code == 422 and "контрольное число СНИЛС" in wrong.get_data(as_text=True)
    created = curator.post("/records/27-KHV-S1/mentors/new", data={"full_name": "Формова Ия", "category": "teacher",
                                                                   "snils": SNILS})
    assert created.status_code == 302
    mentor = db.session.scalar(db.select(Mentor).where(Mentor.full_name == "Формова Ия"))
    assert mentor.person.snils == "11223344595"
    own = curator.get(f"/records/27-KHV-S1/mentors/{mentor.id}").get_data(as_text=True)
    assert 'value="112-233-445 95"' in own
    seen = login_as(world.khv_official).get(f"/records/27-KHV-S1/mentors/{mentor.id}").get_data(as_text=True)
    assert "***-***-*** 95" in seen and "112-233-445" not in seen


def test_possible_duplicates_are_marked_and_the_list_sorts(world, login_as):
    from datetime import date
    builders.mentor(world.school, "Повторова Нина", birth_date=date(1975, 5, 5))
    builders.mentor(world.dod, "Повторова Нина", birth_date=date(1975, 5, 5))
    builders.mentor(world.dod, "Абрамова Ада")
    db.session.commit()
    official = login_as(world.khv_official)
    page = official.get("/records/registry/27/mentors").get_data(as_text=True)
    assert page.count("Повторова Нина (возможный дубль") == 2
    assert page.index("Абрамова Ада") < page.index("Повторова Нина")
    backwards = official.get("/records/registry/27/mentors?sort=-name").get_data(as_text=True)
    assert backwards.index("Абрамова Ада") > backwards.index("Повторова Нина")


def test_pages_continue_in_name_order_across_organizations(world, login_as):
    """A page is cut from the whole scope's order (ids first, then the shown records), never per organization."""
    for i in range(53):
        builders.mentor(world.school if i % 2 else world.dod, f"Страничная {i:02d}")
    db.session.commit()
    official = login_as(world.khv_official)

    def shown(path: str) -> list[str]:
        text = official.get(path).get_data(as_text=True)
        return sorted((text.index(f"Страничная {i:02d}<"), i) for i in range(53) if f"Страничная {i:02d}<" in text)

    first, second = shown("/records/registry/27/mentors"), shown("/records/registry/27/mentors?page=2")
    assert [i for _, i in first] == list(range(50)) and [i for _, i in second] == [50, 51, 52]
    assert [i for _, i in shown("/records/registry/27/mentors?sort=-name&page=2")] == [2, 1, 0]
    by_org = [i for _, i in shown("/records/registry/27/mentors?sort=organization&page=2")]
    assert len(by_org) == 3 and by_org == sorted(by_org)


def test_the_curator_joins_a_mentor_of_another_organization_by_snils(world, login_as):
    student = builders.mentor(world.college, "Колледжев Пётр", category=MentorCategory.student, snils=SNILS,
                              forms=[Form.student_pupil])
    pupil = builders.mentee(world.school, "Школьников Ваня")
    db.session.commit()
    curator = login_as(world.curator)
    form = {"form": "student_pupil", "kind": "traditional", "start_on": "2024-09-01", "mentee_ids": str(pupil.id)}
    unknown = curator.post("/records/27-KHV-S1/pairs/new", data={**form, "external_snils": "123-456-789 64"})
    assert unknown.status_code == 422 and "нет в записях других организаций" in unknown.get_data(as_text=True)
    created = curator.post("/records/27-KHV-S1/pairs/new", data={**form, "external_snils": SNILS})
    assert created.status_code == 302, created.get_data(as_text=True)
    pair = db.session.scalar(db.select(MentoringPair))
    assert [m.id for m in pair.current_mentors] == [student.id] and pair.organization_id == world.school.id


def test_unknown_filter_values_filter_nothing_and_never_fail(world, login_as):
    _records(world)
    official = login_as(world.operator)
    for kind in ("mentors", "mentees", "pairs", "partners"):
        for query in ("category=zzz", "status=zzz", "form=zzz", "full_cycle=zzz", "sort=zzz", "page=-3",
                      "organization=нет", "municipality=нет", "q=%25_"):
            response = official.get(f"/records/registry/27/{kind}?{query}")
            assert response.status_code == 200, (kind, query)


def test_many_organizations_make_the_organization_filter_a_code_field(world, login_as, monkeypatch):
    from registry.mentoring.views import registry as registry_views

    _records(world)
    operator = login_as(world.operator)
    page = operator.get("/records/registry/27/mentors").get_data(as_text=True)
    assert '<select id="organization"' in page and "организаций больше" not in page  # a region's few: a drop-down
    monkeypatch.setattr(registry_views, "ORG_CHOICES_MAX", 1)
    many = operator.get("/records/registry/27/mentors").get_data(as_text=True)
    assert '<select id="organization"' not in many
    assert "организаций больше 1: введите код или сначала выберите муниципалитет" in many
    one = operator.get("/records/registry/27/mentors?municipality=27-VAN&organization=27-VAN-S1").get_data(as_text=True)
    assert "Ванинская Ольга" in one and "Учителева Анна" not in one
    dod = operator.get("/records/registry/27/mentors?organization=27-KHV-DOD").get_data(as_text=True)
    assert 'value="27-KHV-DOD"' in dod and "Учителева Анна" in dod and "Ванинская Ольга" not in dod
