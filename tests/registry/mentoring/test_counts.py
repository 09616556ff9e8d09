"""Counts from the records feed the monitoring form («заполнить из учёта») and the regional R9."""
from datetime import date

from monitoring import queries as monitoring_queries
from monitoring import services as monitoring_services
from monitoring.indicators import check_values
from registry.core.clock import now_utc
from registry.mentoring import queries
from registry.mentoring.services import pairs, partners
from registry.mentoring.vocab import AgreementKind, Form, Kind, MenteeCategory, MentorCategory, PartnerKind
from tests import factories
from tests.registry.mentoring import builders

YEAR = factories.YEAR
START = date(YEAR, 9, 1)


def _records(world):
    org = world.school
    factory = partners.add_agreement(org, {"inn": "7707083893", "name": "Завод", "partner_kind": PartnerKind.enterprise,
                                           "kind": AgreementKind.dual, "mentors_provided": 1}, actor=None).partner
    engineer = builders.mentor(org, "Инженер Завода", category=MentorCategory.employer, partner_id=factory.id)
    teacher = builders.mentor(org, "Учитель Один")
    student_mentor = builders.mentor(org, "Студент Наставник", category=MentorCategory.student,
                                     birth_date=date(YEAR - 16, 1, 1))
    kids = [builders.mentee(org, f"Ученик {i}", birth_date=date(YEAR - 12, 1, 1)) for i in range(3)]
    young = builders.mentee(org, "Молодой Педагог", category=MenteeCategory.young_teacher, birth_date=None)
    group = builders.pair(org, [teacher, student_mentor, engineer], kids, kind=Kind.group, start=START)
    single = builders.pair(org, [teacher], [young], form=Form.teacher_teacher, start=START)
    builders.pair(org, [student_mentor], [kids[0]], form=Form.student_student, start=START)  # still forming
    for p in (group, single):
        pairs.approve(p, order_ref="№ 1", actor=None)
    pairs.activate(group, actor=None)
    pairs.complete(group, on=date(YEAR, 12, 1), full_cycle={kids[0].id: True, kids[1].id: False, kids[2].id: True},
                   actor=None)
    builders.commit()


def test_counts_follow_the_records(world):
    _records(world)
    counts = queries.counts_from_records(world.school, YEAR)
    assert counts["mentees_students"] == 3  # the forming pair does not count yet
    assert counts["mentees_students_full_cycle"] == 2
    assert counts["mentees_age_10_19"] == 3
    assert counts["teachers_young_supported"] == 1
    assert (counts["mentors_total"], counts["mentors_teachers"], counts["mentors_students"]) == (3, 1, 1)
    assert counts["mentors_employers"] == 1
    assert counts["mentors_students_age_15_19"] == 1
    assert counts["mentees_form_teacher_student"] == 3 and counts["mentees_form_teacher_teacher"] == 1
    assert counts["mentees_form_student_student"] == 0
    assert (counts["pairs_total"], counts["groups_total"]) == (1, 1)
    assert counts["partner_enterprises_with_mentors"] == 1
    assert queries.counts_from_records(world.school, YEAR - 3)["mentees_students"] == 0  # another year


def _form_url():
    return f"/campaigns/27/{YEAR}/submissions/27-KHV-S1"


def test_fill_from_records_prefills_and_warns_where_the_form_differs(world, login_as):
    _records(world)
    b = login_as(world.curator)
    page = b.get(_form_url() + "?fill=records").get_data(as_text=True)
    assert 'name="mentees_students" type="text" value="3"' in page
    assert 'name="groups_total" type="text" value="1"' in page
    values = dict(factories.VALID_VALUES)  # mentees_students 200, not 3
    monitoring_services.save_values(world.campaign, world.school, values, version=None, actor=world.curator)
    builders.commit()
    page = b.get(_form_url()).get_data(as_text=True)
    assert "В персонифицированном учёте организации: 3" in page
    assert "заполнить\n    из учёта" in page


def test_no_record_warnings_for_an_organization_without_records(world, login_as):
    monitoring_services.save_values(world.campaign, world.school, dict(factories.VALID_VALUES), version=None,
                                    actor=world.curator)
    builders.commit()
    page = login_as(world.curator).get(_form_url()).get_data(as_text=True)
    assert "персонифицированном учёте организации" not in page and "из учёта</a>" not in page


def test_regional_r9_counts_distinct_enterprise_inn_of_accepted_organizations(world):
    """One enterprise working with two schools counts once; the R9 of the region is then exact."""
    campaign = world.campaign
    campaign.enterprises_in_region_total = 10
    for org, curator, official in ((world.school, world.curator, world.khv_official),
                                   (world.van_school, world.van_curator, world.van_official)):
        factory = partners.add_agreement(org, {"inn": "7707083893", "name": "Завод", "partner_kind":
                                               PartnerKind.enterprise, "kind": AgreementKind.dual,
                                               "mentors_provided": 2}, actor=curator).partner
        engineer = builders.mentor(org, "Инженер", category=MentorCategory.employer, partner_id=factory.id)
        pairs.approve(builders.pair(org, [engineer], [builders.mentee(org, "Ученик")], form=Form.employer_student,
                                    start=START), order_ref="№ 1", actor=None)
        values = dict(factories.VALID_VALUES, partner_enterprises_with_mentors=1)
        monitoring_services.save_values(campaign, org, values, version=None, actor=curator)
        monitoring_services.submit(campaign, org, actor=curator)
        monitoring_services.accept(campaign, org, actor=official)
    builders.commit()
    r9 = monitoring_queries.aggregate(campaign, world.region, now_utc(), None)["indicators"]["R9"]
    assert (r9["value"], r9["count"], r9["approximate"], r9["possibly_double_counted"]) == (10.0, 1, False, False)
    assert r9["target_source"] == "region"


def test_a_teacher_mentee_counts_in_the_teacher_form_and_the_counts_pass_the_pair_checks(world):
    """A teacher recorded as the mentee of a «учитель — ученик» pair is counted in «учитель — учитель» (the form of
    every teacher mentee, 003 §4), never in a student form: so each record mentee is in a mentee field and the
    records' own pairs and groups pass «пар ≤ наставляемых» and «группы согласованы с парами»."""
    org = world.school
    teacher = builders.mentor(org, "Учитель Один")
    colleague = builders.mentee(org, "Педагог После Перерыва", category=MenteeCategory.teacher, birth_date=None)
    kids = [builders.mentee(org, f"Ученик {i}", birth_date=date(YEAR - 12, 1, 1)) for i in range(2)]
    for members in ([colleague], kids):
        pairs.approve(builders.pair(org, [teacher], members, form=Form.teacher_student, start=START),
                      order_ref="№ 2", actor=None)
    builders.commit()
    counts = queries.counts_from_records(org, YEAR)
    assert (counts["mentees_form_teacher_teacher"], counts["mentees_form_teacher_student"]) == (1, 2)
    assert (counts["mentees_students"], counts["pairs_total"], counts["groups_total"]) == (2, 1, 1)
    values = {**factories.VALID_VALUES, **counts, "mentee_survey_respondents": 0, "mentor_survey_respondents": 0}
    for code in ("mentee_satisfaction_pct", "mentor_satisfaction_pct"):
        values.pop(code, None)
    assert check_values(values, complete=True) == {}
