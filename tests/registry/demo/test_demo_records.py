"""The living demo (issue 14): `flask seed-demo` loads records for every organization, in every form, and the counts
the demo organizations submit are the counts «Заполнить из учёта» computes from those records.

The demo is loaded once for the package (conftest.py): the tests below only read it.
"""
import json
from collections import Counter
from datetime import date

import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy.models import Organization, Region
from monitoring.models import Submission, SubmissionStatus
from monitoring.views.submissions import records_for_form
from registry.core.clock import now_utc
from registry.demo import accounts, seed_records
from registry.demo.names import _FIRST
from registry.demo.story import Story
from registry.extensions import db
from registry.mentoring.models import Award, Consent, Mentee, Mentor, MentoringPair, Partner, Practice
from registry.mentoring.models.pairs import PairMentor
from registry.mentoring.models.people import age_on
from registry.mentoring.queries import RECORD_CODES
from registry.mentoring.text import inn_error
from registry.mentoring.vocab import INVOLVED, ConsentKind, Form, GivenBy, PartnerKind, PartnerStatus

#: Pairs joining a mentor kept by another organization: the demo's cross-organization pairs
#: (registry/demo/cross_org.py), added after the per-organization plans.
_with_outside_mentor = sa.exists().where(PairMentor.pair_id == MentoringPair.id, PairMentor.mentor_id == Mentor.id,
                                         Mentor.organization_id != MentoringPair.organization_id)


def _orgs() -> list[Organization]:
    return list(db.session.scalars(sa.select(Organization).order_by(Organization.code)))


def test_every_organization_keeps_hundreds_of_records_in_all_five_forms(demo):
    mentors = dict(db.session.execute(sa.select(Mentor.organization_id, sa.func.count()).group_by(
        Mentor.organization_id)).all())
    mentees = dict(db.session.execute(sa.select(Mentee.organization_id, sa.func.count()).group_by(
        Mentee.organization_id)).all())
    forms = {}
    for org_id, form in db.session.execute(sa.select(MentoringPair.organization_id, MentoringPair.form).distinct()
                                           .where(MentoringPair.status.in_(INVOLVED))):
        forms.setdefault(org_id, set()).add(form)
    groups = dict(db.session.execute(sa.select(MentoringPair.organization_id, sa.func.count()).where(
        MentoringPair.kind == "group").group_by(MentoringPair.organization_id)).all())
    orgs = _orgs()
    assert len(orgs) > 50
    for org in orgs:
        assert forms.get(org.id) == set(Form), org.code
        assert groups.get(org.id, 0) > 0, org.code
        if org.org_type.value == "general":
            assert 15 <= mentors[org.id] <= 70 and 80 <= mentees[org.id] <= 280, org.code
        assert mentors[org.id] + mentees[org.id] >= 100, org.code
    statuses = set(db.session.scalars(sa.select(MentoringPair.status).distinct()))
    assert {s.value for s in statuses} == {"forming", "approved", "active", "completed", "terminated"}
    finished = db.session.scalar(sa.select(sa.func.count()).select_from(Mentee).where(
        Mentee.full_cycle_completed.is_(True), Mentee.full_cycle_on >= date(demo.year, 1, 1)))
    assert finished > 1000  # this year's finished programmes, with the full-cycle mark


def test_names_agree_in_gender_and_ages_fit_the_category(demo):
    firsts = {gender: {n for (g, _), names in _FIRST.items() if g == gender for n in names} for gender in "mf"}
    for full_name, category, birth in db.session.execute(sa.select(Mentee.full_name, Mentee.category,
                                                                   Mentee.birth_date)):
        surname, first, patronymic = full_name.split()
        female = patronymic.endswith(("вна", "чна"))
        assert female or patronymic.endswith("ич"), full_name
        assert first in firsts["f" if female else "m"], full_name
        assert not (female and surname.endswith(("ов", "ев", "ёв", "ин", "ский"))), full_name
        assert female or not surname.endswith(("ова", "ева", "ёва", "ина", "ская", "ая")), full_name
        age = age_on(birth, demo.today)
        assert (7 <= age <= 22) if category.value == "student" else (22 <= age <= 55), (full_name, age)
    ages = {category: [age_on(b, demo.today) for c, b in rows] for category, rows in _by_category().items()}
    assert min(ages["teacher"]) >= 28 and min(ages["employer"]) >= 26 and max(ages["student"]) <= 22


def _by_category() -> dict:
    found: dict = {}
    for category, birth in db.session.execute(sa.select(Mentor.category, Mentor.birth_date)):
        found.setdefault(category.value, []).append((category, birth))
    return found


def test_submitted_counts_are_the_counts_from_the_records(demo):
    """Every record-countable value of every submission (both campaigns, every state) is what «Заполнить из учёта»
    computes for the organization now."""
    checked = Counter()
    for campaign in db.session.scalars(sa.select(Campaign)):
        for submission in db.session.scalars(sa.select(Submission).where(Submission.campaign_id == campaign.id)):
            org = db.session.get(Organization, submission.organization_id)
            submitted = submission.value_map()
            counted = records_for_form(org, campaign.year)
            assert set(counted) == set(RECORD_CODES)
            wrong = {code: (submitted[code], value) for code, value in counted.items()
                     if code in submitted and float(submitted[code]) != value}
            assert wrong == {}, (campaign.year, org.code)
            if submission.status is not SubmissionStatus.draft:
                assert set(RECORD_CODES) <= set(submitted), org.code
            checked[submission.status.value] += 1
    # the story's states are all still there
    assert set(checked) == {"accepted", "submitted", "returned", "draft"}, checked
    assert sum(checked.values()) > 100


def test_partners_have_valid_inns_and_go_through_review(demo):
    partners = list(db.session.scalars(sa.select(Partner)))
    assert len(partners) >= 30
    assert [p.inn for p in partners if inn_error(p.inn) is not None] == []
    assert all(p.inn.startswith("27") for p in partners)  # Khabarovsk krai tax offices
    assert sum(1 for p in partners if len(p.inn) == 10) == len(partners) - 1  # one individual entrepreneur
    kinds = Counter(p.kind for p in partners)
    assert kinds[PartnerKind.enterprise] >= 20 and set(kinds) == set(PartnerKind)
    statuses = Counter(p.status for p in partners)
    assert statuses[PartnerStatus.published] >= 25 and statuses[PartnerStatus.proposed] == 1
    assert statuses[PartnerStatus.returned] == 1
    employers = db.session.scalar(sa.select(sa.func.count()).select_from(Mentor).join(
        Partner, Partner.id == Mentor.partner_id).where(Partner.kind == PartnerKind.enterprise))
    assert employers > 100


def test_consents_follow_the_law_and_only_adult_mentors_publish(demo):
    minors = 0
    for consent, birth in db.session.execute(sa.select(Consent, Mentee.birth_date).join(
            Mentee, Mentee.id == Consent.mentee_id)):
        assert consent.kind is ConsentKind.processing
        if age_on(birth, consent.signed_on) < 18:
            minors += 1
            assert consent.given_by is GivenBy.guardian and len(consent.guardian_name.split()) == 3
    assert minors > 5000
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentee)) == db.session.scalar(
        sa.select(sa.func.count()).select_from(Consent).where(Consent.mentee_id.is_not(None)))
    public = list(db.session.scalars(sa.select(Mentor).where(Mentor.is_public.is_(True))))
    assert len(public) > 300
    assert all(age_on(m.birth_date, demo.today) >= 18 and m.left_on is None for m in public)
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Award.mentor_id)))) >= 20
    statuses = Counter(p.status.value for p in db.session.scalars(sa.select(Practice)))
    assert statuses["published"] >= 30 and statuses["proposed"] and statuses["draft"]


def test_public_pages_show_demo_mentors_and_never_a_mentee(demo, client):
    public = {m.full_name: m for m in db.session.scalars(sa.select(Mentor).where(
        Mentor.is_public.is_(True), Mentor.public_fields.contains("full_name")))}
    mentor = public[min(public)]
    surname = mentor.full_name.split()[0]
    pages = {url: client.get(url) for url in (
        "/registry/", f"/registry/?q={surname}", "/registry/honorary", "/registry/practices", "/registry/partners",
        "/registry/data/mentors.json", "/api/v1/public/mentors", "/api/v1/public/practices",
        "/api/v1/public/partners")}
    assert {url: r.status_code for url, r in pages.items() if r.status_code != 200} == {}
    bodies = {url: r.get_data(as_text=True) for url, r in pages.items()}
    assert mentor.full_name in bodies[f"/registry/?q={surname}"]  # a newcomer finds a mentor by surname
    assert json.loads(bodies["/api/v1/public/mentors"])["total"] == len(public)
    honorary = set(db.session.scalars(sa.select(Mentor.full_name).join(Award, Award.mentor_id == Mentor.id).where(
        Mentor.is_public.is_(True), Mentor.public_fields.contains("awards"))))
    assert len(honorary) >= 20 and any(name in bodies["/registry/honorary"] for name in honorary)
    published = set(db.session.scalars(sa.select(Practice.title).where(Practice.status == "published")))
    assert any(title in bodies["/registry/practices"] for title in published)
    partners = json.loads(bodies["/api/v1/public/partners"])
    names = {p["name"] for p in partners}
    waiting = set(db.session.scalars(sa.select(Partner.name).where(Partner.status != PartnerStatus.published)))
    assert "ООО «Ванинский морской терминал»" in names and len(names) >= 25 and not names & waiting
    assert any(name in bodies["/registry/partners"] for name in names)
    everything = "\n".join(bodies.values())
    mentee_names = set(db.session.scalars(sa.select(Mentee.full_name))) - set(public)
    assert [name for name in mentee_names if name in everything] == []


def test_the_records_are_deterministic(demo):
    """Planning again for the same organizations, year and day gives the same records, and the database holds
    exactly the planned ones: two seeds load identical record sets and counts."""
    story = Story(db.session.get(Region, demo.region_id), accounts.create_all(), now_utc(), demo.year)
    again, _ = seed_records.plans_for(story, demo.today)
    once_more, _ = seed_records.plans_for(story, demo.today)
    assert again == once_more == demo.plans
    for org in _orgs():
        stored = [tuple(r) for r in db.session.execute(sa.select(Mentee.full_name, Mentee.birth_date).where(
            Mentee.organization_id == org.id).order_by(Mentee.code))]
        assert stored == [(m.name.full_name, m.birth_date) for m in again[org.code].mentees], org.code
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MentoringPair).where(
            MentoringPair.organization_id == org.id, ~_with_outside_mentor)) == len(again[org.code].pairs)
