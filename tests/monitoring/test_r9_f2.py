"""R9 per level (PRODUCT.md §8): enterprise partners only, municipal denominators, approximate numerators; F2."""
import re
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hierarchy.models import Level
from monitoring import aggregation, municipal_parameters, record_indicators, reports
from monitoring import queries as monitoring_queries
from monitoring import services as monitoring_services
from monitoring.indicators import check_values
from registry.core.audit import AuditEntry
from registry.core.clock import now_utc
from registry.extensions import db
from registry.mentoring.models import Partner
from registry.mentoring.queries import counts_from_records
from registry.mentoring.services import pairs, partners
from registry.mentoring.vocab import AgreementKind, Form, Kind, MenteeCategory, MentorCategory, PartnerKind
from tests import factories
from tests.api.helpers import BASE, assert_error
from tests.registry.mentoring import builders

YEAR = factories.YEAR
START = date(YEAR, 9, 1)
INN_FACTORY, INN_PORT, INN_NGO = "7707083893", "500100732259", "7736207543"


def _accept(world, org, curator, reviewer, **changes):
    values = dict(factories.VALID_VALUES, **changes)
    monitoring_services.save_values(world.campaign, org, values, version=None, actor=curator)
    monitoring_services.submit(world.campaign, org, actor=curator)
    monitoring_services.accept(world.campaign, org, actor=reviewer)


def _employer_mentor(org, inn: str, kind: PartnerKind | None = PartnerKind.enterprise, *,
                     category=MentorCategory.employer, name="Партнёр"):
    """A partner agreement and a mentor it provides, working in an approved pair this year."""
    partner = partners.add_agreement(org, {"inn": inn, "name": name, "partner_kind": kind or PartnerKind.other,
                                           "kind": AgreementKind.dual, "mentors_provided": 1}, actor=None).partner
    if kind is None:
        partner.kind = None  # a partner registered before kinds were asked
    mentor = builders.mentor(org, f"Наставник {inn}", category=category, partner_id=partner.id)
    pairs.approve(builders.pair(org, [mentor], [builders.mentee(org, f"Ученик {inn}")], form=Form.employer_student,
                                start=START), order_ref="№ 1", actor=None)
    return partner


def _aggregate(world, unit) -> dict:
    return monitoring_queries.aggregate(world.campaign, unit, now_utc(), None)["indicators"]


def test_facts_and_sums_of_one_pass_equal_those_read_apart(world):
    """The dashboards read R9/F2's facts and the sums by organization type together (PostgreSQL: one GROUPING SETS
    pass; SQLite: two GROUP BYs): the same figures as org_facts and aggregation.sums read on their own."""
    _accept(world, world.school, world.curator, world.khv_official, groups_total=31, mentee_satisfaction_pct=70)
    _accept(world, world.dod, world.dod_curator, world.khv_official, groups_total=7, mentee_satisfaction_pct=90)
    _accept(world, world.college, world.college_curator, world.operator, groups_total=13,
            partner_enterprises_with_mentors=5)
    builders.commit()
    source = aggregation.live_source(world.campaign.id)
    facts, rows = record_indicators.org_facts_and_sums(world.campaign, source)
    assert (rows is not None) == (db.session.get_bind().dialect.name == "postgresql")
    apart = record_indicators.org_facts(world.campaign, source)
    assert facts == apart and len(facts) == 3
    assert facts[world.college.id].reported["partner_enterprises_with_mentors"] == 5
    together = aggregation.sums(source, record_indicators.survey_rows(facts), rows)
    assert together == aggregation.sums(source)
    assert together.by_type["general"]["groups_total"] == 31
    assert together.by_type["additional"]["groups_total"] == 7
    assert together.totals["groups_total"] == 51
    assert together.weighted["mentee_satisfaction_pct"] == 100 * 70 + 100 * 90 + 100 * 80


def test_organization_shows_its_count_not_a_share(world):
    _accept(world, world.school, world.curator, world.khv_official)
    builders.commit()
    r9 = _aggregate(world, world.school)["R9"]
    assert (r9["value"], r9["count"], r9["approximate"]) == (None, 3, False)
    assert r9["reason"] == record_indicators.REASON_ORGANIZATION
    _employer_mentor(world.school, INN_FACTORY)
    builders.commit()
    r9 = _aggregate(world, world.school)["R9"]
    assert (r9["value"], r9["count"]) == (None, 1)  # the records win over the reported 3


def test_municipality_without_its_enterprises_total_has_no_share_but_the_reason(world):
    world.campaign.enterprises_in_region_total = 1450  # never used below the region
    _accept(world, world.school, world.curator, world.khv_official)
    builders.commit()
    r9 = _aggregate(world, world.khv)["R9"]
    assert r9["value"] is None and r9["reason"] == "не задано число предприятий муниципалитета"
    assert (r9["count"], r9["approximate"]) == (3, True)


def test_municipal_r9_divides_by_its_own_count_exact_with_records_approximate_without(world):
    municipal_parameters.set_enterprises_total(world.campaign, world.khv, 40, actor=world.khv_official)
    _accept(world, world.school, world.curator, world.khv_official)
    _accept(world, world.dod, world.dod_curator, world.khv_official, partner_enterprises_with_mentors=2)
    builders.commit()
    r9 = _aggregate(world, world.khv)["R9"]
    assert (r9["value"], r9["count"], r9["approximate"], r9["reason"]) == (100 * 5 / 40, 5, True, None)

    # the school keeps records: one enterprise, one NGO, one partner of unknown kind; the centre does not
    _employer_mentor(world.school, INN_FACTORY)
    _employer_mentor(world.school, INN_NGO, PartnerKind.ngo, category=MentorCategory.social_partner)
    _employer_mentor(world.school, INN_PORT, None)
    builders.commit()
    r9 = _aggregate(world, world.khv)["R9"]
    assert (r9["value"], r9["count"], r9["approximate"]) == (100 * 3 / 40, 3, True)  # 1 from records + 2 reported

    _employer_mentor(world.dod, INN_FACTORY)  # the same enterprise (by ИНН) with the centre: counted once
    builders.commit()
    r9 = _aggregate(world, world.khv)["R9"]
    assert (r9["value"], r9["count"], r9["approximate"]) == (100 * 1 / 40, 1, False)


def test_regional_r9_uses_the_regional_denominator_and_every_accepted_organization(world):
    _accept(world, world.school, world.curator, world.khv_official)
    _accept(world, world.van_school, world.van_curator, world.van_official)
    builders.commit()
    r9 = _aggregate(world, world.region)["R9"]
    assert (r9["value"], r9["reason"], r9["count"]) == (None, "не задано число предприятий региона", 6)
    world.campaign.enterprises_in_region_total = 30
    _employer_mentor(world.school, INN_FACTORY)
    _employer_mentor(world.van_school, INN_FACTORY)
    builders.commit()
    r9 = _aggregate(world, world.region)["R9"]
    assert (r9["value"], r9["count"], r9["approximate"]) == (100 / 30, 1, False)
    _employer_mentor(world.dod, INN_PORT)  # records of an organization not accepted: not counted
    builders.commit()
    assert _aggregate(world, world.region)["R9"]["count"] == 1


def test_snapshots_freeze_r9_with_its_flag_and_f2(world):
    municipal_parameters.set_enterprises_total(world.campaign, world.khv, 10, actor=world.khv_official)
    _accept(world, world.school, world.curator, world.khv_official)
    report = reports.submit_report(world.campaign, world.khv, actor=world.khv_official)
    builders.commit()
    frozen = report.snapshot.summary["indicators"]
    assert (frozen["R9"]["value"], frozen["R9"]["approximate"], frozen["R9"]["count"]) == (30.0, True, 3)
    assert frozen["F2"]["value"] == 200 + 10 + 60
    municipal_parameters.set_enterprises_total(world.campaign, world.khv, 20, actor=world.khv_official)
    builders.commit()
    db.session.expire_all()
    assert report.snapshot.summary["indicators"]["R9"]["value"] == 30.0  # a frozen report does not change
    assert _aggregate(world, world.khv)["R9"]["value"] == 15.0


def test_f2_counts_distinct_people_of_the_records_where_kept_else_the_reported_sums(world):
    _accept(world, world.school, world.curator, world.khv_official)
    _accept(world, world.dod, world.dod_curator, world.khv_official)
    builders.commit()
    assert _aggregate(world, world.khv)["F2"]["value"] == 2 * (200 + 10 + 60)
    mentor = builders.mentor(world.school, "Учитель")
    kids = [builders.mentee(world.school, f"Ученик {i}") for i in range(3)]
    first = builders.pair(world.school, [mentor], kids[:2], start=START)
    second = builders.pair(world.school, [mentor], kids[1:], start=START)  # the same mentor and one pupil again
    for pair in (first, second):
        pairs.approve(pair, order_ref="№ 2", actor=None)
    builders.mentee(world.school, "Ещё не в паре")
    builders.commit()
    assert _aggregate(world, world.school)["F2"]["value"] == 3 + 1
    assert _aggregate(world, world.khv)["F2"]["value"] == 4 + (200 + 10 + 60)


def test_ngo_agreement_and_social_partner_mentor_fill_passes_every_control_ratio(world):
    """Issue 13: one NGO agreement and a social-partner mentor used to give partner enterprises 1, employers 0."""
    _employer_mentor(world.school, INN_NGO, PartnerKind.ngo, category=MentorCategory.social_partner)
    builders.commit()
    counts = counts_from_records(world.school, YEAR)
    assert (counts["partner_enterprises_with_mentors"], counts["mentors_employers"],
            counts["mentors_social_partners"]) == (0, 0, 1)
    assert check_values(counts, complete=False) == {}


def test_a_partner_of_unknown_kind_is_asked_for_on_its_page_and_can_be_set(world, login_as):
    partner = _employer_mentor(world.school, INN_PORT, None, name="Морской порт")
    builders.commit()
    b = login_as(world.curator)
    page = b.get("/records/27-KHV-S1/partners").get_data(as_text=True)
    assert "Укажите вид партнёра" in page and "не учитывается в показателе R9" in page
    agreement_id = partner.agreements[0].id
    response = b.post(f"/records/27-KHV-S1/partners/{agreement_id}/partner-kind", data={"partner_kind": "марсианин"},
                      follow_redirects=True)
    assert "Недопустимый вид партнёра" in response.get_data(as_text=True)
    assert db.session.get(Partner, partner.id).kind is None
    response = b.post(f"/records/27-KHV-S1/partners/{agreement_id}/partner-kind",
                      data={"partner_kind": "Предприятие (работодатель)"}, follow_redirects=True)
    assert response.status_code == 200 and "Укажите вид партнёра" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Partner, partner.id).kind is PartnerKind.enterprise
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "partner.kind_set"))
    again = b.post(f"/records/27-KHV-S1/partners/{agreement_id}/partner-kind", data={"partner_kind": "ngo"},
                   follow_redirects=True)
    assert "Вид этого партнёра уже указан" in again.get_data(as_text=True)


@pytest.mark.parametrize(("typed", "kind"), [("НКО", PartnerKind.ngo), ("вуз", PartnerKind.university),
                                         ("culture_sport", PartnerKind.culture_sport),
                                         ("учреждение культуры и спорта", PartnerKind.culture_sport),
                                         ("предприятие", PartnerKind.enterprise)])
def test_partner_kind_accepts_russian_labels_and_codes(world, login_as, typed, kind):
    b = login_as(world.curator)
    b.post("/records/27-KHV-S1/partners/new", data={"inn": INN_FACTORY, "name": "Завод", "partner_kind": typed,
                                                    "kind": "dual", "mentors_provided": "0"})
    assert db.session.scalar(sa.select(Partner.kind).where(Partner.inn == INN_FACTORY)) is kind


def _patch_url(code: str) -> str:
    return f"{BASE}/municipalities/{code}"


def test_municipality_patch_sets_audits_and_is_scoped(world, api_as):
    official = api_as(world.khv_official)
    response = official.patch(_patch_url("27-KHV"), json={"enterprises_total": 120})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"municipality": "27-KHV", "name": world.khv.name, "year": YEAR,
                                   "enterprises_total": 120}
    assert municipal_parameters.enterprises_total(world.campaign, world.khv.id) == 120
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "municipality.enterprises_total_set"))
    assert entry.before == {"enterprises_total": None} and entry.after == {"enterprises_total": 120}
    assert api_as(world.operator).patch(_patch_url("27-VAN"), json={"enterprises_total": 0}).status_code == 200
    assert api_as(world.admin).patch(_patch_url("27-KHV"), json={"enterprises_total": None}).get_json()[
        "enterprises_total"] is None
    assert_error(official.patch(_patch_url("27-VAN"), json={"enterprises_total": 5}), 403)
    assert_error(api_as(world.curator).patch(_patch_url("27-KHV"), json={"enterprises_total": 5}), 403)
    assert_error(api_as(world.other_operator).patch(_patch_url("27-KHV"), json={"enterprises_total": 5}), 403)
    assert_error(official.patch(_patch_url("27-NOPE"), json={"enterprises_total": 5}), 404)
    assert municipal_parameters.enterprises_total(world.campaign, world.van.id) == 0


@pytest.mark.parametrize("body", [{"enterprises_total": -1}, {"enterprises_total": "12"}, {"enterprises_total": 1.5},
                                  {"enterprises_total": True}, {}, {"enterprises_total": 5, "extra": 1},
                                  {"enterprises_total": 10**9}])
def test_municipality_patch_refuses_bad_values_with_422_and_changes_nothing(world, api_as, body):
    official = api_as(world.khv_official)
    assert official.patch(_patch_url("27-KHV"), json={"enterprises_total": 7}).status_code == 200
    error = assert_error(official.patch(_patch_url("27-KHV"), json=body), 422)
    assert error["fields"]
    assert municipal_parameters.enterprises_total(world.campaign, world.khv.id) == 7


def test_municipal_report_page_shows_the_reason_and_sets_the_count(world, login_as):
    _accept(world, world.school, world.curator, world.khv_official)
    builders.commit()
    b = login_as(world.khv_official)
    url = f"/campaigns/27/{YEAR}/municipalities/27-KHV/report"
    page = b.get(url).get_data(as_text=True)
    assert "Не задано число предприятий муниципалитета — предприятий: 3." in page
    refused = b.post(url + "/enterprises", data={"enterprises_total": "много"})
    assert refused.status_code == 422 and "Нужно целое число предприятий" in refused.get_data(as_text=True)
    page = b.post(url + "/enterprises", data={"enterprises_total": "1 200"}, follow_redirects=True).get_data(
        as_text=True)
    assert "Задано: 1\u00a0200" in page or "Задано: 1 200" in page
    assert "<abbr title=\"приблизительно\">≈</abbr> 0,2 %" in page  # 3 / 1200, approximate (no partner records)
    assert re.search(r"<th scope=\"row\">Число участников[^<]* <span class=\"muted nowrap\">\(F2\)</span></th>\s*"
                     r"<td class=\"num\">270</td>", page)
    assert municipal_parameters.enterprises_total(world.campaign, world.khv.id) == 1200
    assert login_as(world.van_official).post(url + "/enterprises", data={"enterprises_total": "5"}).status_code == 403


def test_levels_of_the_regional_snapshot(world):
    """The region's frozen R9 counts distinct ИНН across municipal parts and direct organizations."""
    world.campaign.enterprises_in_region_total = 50
    _accept(world, world.school, world.curator, world.khv_official)
    _accept(world, world.college, world.college_curator, world.operator)
    _employer_mentor(world.school, INN_FACTORY)
    _employer_mentor(world.college, INN_FACTORY)
    reports.submit_report(world.campaign, world.khv, actor=world.khv_official)
    reports.accept_report(world.campaign, world.khv, actor=world.operator)
    snapshot = reports.consolidate(world.campaign, actor=world.operator)
    builders.commit()
    r9 = snapshot.summary["indicators"]["R9"]
    assert (r9["value"], r9["count"], r9["approximate"]) == (2.0, 1, False)
    assert snapshot.level is Level.region


_KINDS = st.sampled_from([*PartnerKind, None])
_RECORDS = st.fixed_dictionaries({
    "partners": st.lists(_KINDS, min_size=1, max_size=3),
    "mentors": st.lists(st.tuples(st.sampled_from(list(MentorCategory)), st.integers(0, 3), st.integers(14, 60)),
                        min_size=1, max_size=5),
    "mentees": st.lists(st.tuples(st.sampled_from(list(MenteeCategory)), st.integers(6, 40), st.booleans()),
                        min_size=1, max_size=5),
    "pairs": st.lists(st.tuples(st.sampled_from(list(Form)), st.sets(st.integers(0, 4), min_size=1),
                                st.sets(st.integers(0, 4), min_size=1), st.integers(0, 2)), max_size=4),
})
_VALID_INNS = ("7707083893", "500100732259", "7736207543")


def test_fill_from_records_never_fails_a_control_ratio(world):
    """Any record set: the counts «Заполнить из учёта» puts in the form pass every control ratio among them."""
    made = {"n": 0}

    @settings(max_examples=50, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(records=_RECORDS)
    def check(records):
        made["n"] += 1
        org = factories.organization(world.region, world.khv, f"27-KHV-P{made['n']}")
        partner_ids = []
        for i, kind in enumerate(records["partners"]):
            partner = partners.add_agreement(org, {"inn": _VALID_INNS[i], "name": f"П{i}", "kind": AgreementKind.dual,
                                                   "partner_kind": kind or PartnerKind.other,
                                                   "mentors_provided": i}, actor=None).partner
            partner.kind = kind
            partner_ids.append(partner.id)
        mentors = [builders.mentor(org, f"Наставник {i}", category=category, birth_date=date(YEAR - age, 3, 1),
                                   partner_id=partner_ids[link] if link < len(partner_ids) else None)
                   for i, (category, link, age) in enumerate(records["mentors"])]
        mentees = [builders.mentee(org, f"Наставляемый {i}", category=category, birth_date=date(YEAR - age, 3, 1),
                                   full_cycle_completed=done)
                   for i, (category, age, done) in enumerate(records["mentees"])]
        for form, mentor_ix, mentee_ix, steps in records["pairs"]:
            chosen = [mentees[i % len(mentees)] for i in mentee_ix]
            chosen = list({m.id: m for m in chosen}.values())
            pair = builders.pair(org, list({m.id: m for m in (mentors[i % len(mentors)] for i in mentor_ix)}.values()),
                                 chosen, form=form, kind=Kind.group if len(chosen) > 1 else Kind.traditional,
                                 start=START)
            if steps:
                pairs.approve(pair, order_ref="№ 1", actor=None)
            if steps > 1:
                pairs.activate(pair, actor=None)
        counts = counts_from_records(org, YEAR)
        assert check_values(counts, complete=False) == {}, (records, counts)
        assert counts["partner_enterprises_with_mentors"] <= counts["mentors_employers"]

    check()
    builders.commit()
    assert made["n"] >= 40
