"""Load the demo's records into the database: partners (through the services), then every organization's planned
mentors, mentees, pairs, consents and awards in bulk (a few multi-row INSERTs), the public copies of the mentors who
consented to publication, and the best practices through their review workflow. Caller commits.

The records are loaded before the campaigns, so the counts the demo organizations submit are the counts the records
give (`registry.mentoring.queries.counts_from_records`, the computation behind «Заполнить из учёта»).
"""
import random
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hierarchy.models import Organization
from registry.core.audit import log_action
from registry.demo import partners as demo_partners
from registry.demo.names import guardian
from registry.demo.records import MentorPlan, OrgPlan, plan
from registry.demo.texts import ACHIEVEMENTS, PRACTICES
from registry.extensions import db
from registry.mentoring import publication
from registry.mentoring.models import Award, Consent, Mentee, Mentor, MentoringPair, PairMentee, PairMentor
from registry.mentoring.models.people import age_on
from registry.mentoring.services import practices as practice_services
from registry.mentoring.vocab import PUBLIC_FIELDS, AwardTitle, ConsentKind, GivenBy, MentorCategory, mask_of

CITIES = ("27-KHV", "27-KMS")
#: Consented public fields: the core set, and what else some mentors agree to show.
_CORE_FIELDS = ["full_name", "organization", "category", "forms"]
_MORE_FIELDS = ["position", "competences", "achievements"]


def plans_for(story, today: date) -> tuple[dict[str, OrgPlan], dict[str, list]]:
    """Every organization's partners and records, planned in memory (deterministic for the same year and day)."""
    entries = demo_partners.catalogue()
    codes = {m.id: m.code for m in story.municipalities}
    chosen, plans = {}, {}
    for org in story.organizations:
        municipality = codes[org.location_municipality_id]
        chosen[org.code] = demo_partners.choose(random.Random(f"partners:{org.code}"), org.org_type.value,
                                                municipality, entries)
        city = municipality in CITIES or org.reports_to.value == "region"
        plans[org.code] = plan(org.code, org.org_type.value, city, story.year, today, chosen[org.code])
    return plans, chosen


def seed(story, today: date) -> dict[str, OrgPlan]:
    """Partners, records, consents, awards, public copies and practices of every demo organization."""
    plans, chosen = plans_for(story, today)
    agreements = demo_partners.seed(story, chosen)
    partner_ids = {inn: a.partner_id for (_, inn), a in agreements.items()}
    for (code, inn), agreement in agreements.items():
        agreement.mentors_provided = sum(1 for m in plans[code].mentors if m.partner_inn == inn)
    public = _insert_people(story.organizations, plans, partner_ids, today)
    _analyze()
    for org in story.organizations:
        org_plan = plans[org.code]
        log_action(story.curators.get(org.id), "demo.records_loaded", "organization", org.code,
                   after={"mentors": len(org_plan.mentors), "mentees": len(org_plan.mentees),
                          "pairs": len(org_plan.pairs)})
    for mentor in db.session.scalars(sa.select(Mentor).where(Mentor.id.in_(public)).options(
            selectinload(Mentor.awards), selectinload(Mentor.organization).selectinload(Organization.location))):
        publication.refresh(mentor, today)
    _practices(story)
    db.session.flush()
    return plans


#: The tables the bulk insert fills from empty; their planner statistics still say "empty" until analysed.
_FILLED = ("mentors", "mentees", "mentoring_pairs", "pair_mentors", "pair_mentees", "consents", "mentor_awards",
           "partners", "partner_agreements")


def _analyze() -> None:
    """PostgreSQL plans the campaigns' record counts (thousands of rows) as if the tables were still empty, and
    a nested loop over them takes minutes; ANALYZE (allowed in a transaction) gives it the real sizes."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.flush()
        db.session.execute(sa.text(f"ANALYZE {', '.join(_FILLED)}"))


def _insert(model, rows: list[dict]) -> list[int]:
    """One multi-row INSERT (executemany); the new ids in the rows' order."""
    if not rows:
        return []
    table = model.__table__
    result = db.session.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows)
    return list(result.scalars())


def _consent(rng: random.Random, birth: date, signed: date, guardian_name: str, **subject) -> dict:
    minor = age_on(birth, signed) < 18
    return {"kind": ConsentKind.processing, "given_by": GivenBy.guardian if minor else GivenBy.subject,
            "guardian_name": guardian_name if minor else "", "signed_on": signed,
            "document": f"согласие № {rng.randint(1, 900)} от {signed:%d.%m.%Y}, личное дело", "fields": "",
            **subject}


def _first_days(org_plan: OrgPlan) -> dict[tuple[str, int], date]:
    """When each person joined their first pair: consents are signed a few days before."""
    first: dict[tuple[str, int], date] = {}
    for pair in org_plan.pairs:
        for index, joined, *_ in pair.mentors:
            first[("mentor", index)] = min(joined, first.get(("mentor", index), joined))
        for index, joined in pair.mentees:
            first[("mentee", index)] = min(joined, first.get(("mentee", index), joined))
    return first


def _insert_people(orgs, plans: dict[str, OrgPlan], partner_ids: dict[str, int], today: date) -> list[int]:
    """Insert every organization's records, table by table; the ids of the mentors who consented to publication."""
    mentor_rows, mentee_rows, pair_rows = [], [], []
    for org in orgs:
        org_plan = plans[org.code]
        mentor_rows += [{
            "organization_id": org.id, "code": f"Н-{i + 1:04d}", "full_name": m.name.full_name,
            "birth_date": m.birth_date, "category": m.category, "position": m.position,
            "partner_id": partner_ids.get(m.partner_inn), "forms": mask_of(m.forms), "competences": m.competences,
            "achievements": "", "left_on": m.left_on} for i, m in enumerate(org_plan.mentors)]
        mentee_rows += [{
            "organization_id": org.id, "code": f"У-{i + 1:04d}", "full_name": m.name.full_name,
            "birth_date": m.birth_date, "category": m.category, "request": m.request,
            "full_cycle_completed": m.full_cycle_on is not None, "full_cycle_on": m.full_cycle_on,
            "left_on": m.left_on} for i, m in enumerate(org_plan.mentees)]
        pair_rows += [{
            "organization_id": org.id, "code": f"П-{i + 1:04d}", "form": p.form, "role_model": p.role_model,
            "kind": p.kind, "start_on": p.start_on, "end_on": p.end_on, "status": p.status,
            "order_ref": p.order_ref, "closed_on": p.closed_on, "close_reason": p.close_reason}
            for i, p in enumerate(org_plan.pairs)]
    all_mentors, all_mentees, all_pairs = (iter(_insert(Mentor, mentor_rows)), iter(_insert(Mentee, mentee_rows)),
                                           iter(_insert(MentoringPair, pair_rows)))
    links_m, links_e, consents, awards, achievements, public = [], [], [], [], [], []
    for org in orgs:
        org_plan, rng, first = plans[org.code], random.Random(f"consents:{org.code}"), _first_days(plans[org.code])
        mentor_ids = [next(all_mentors) for _ in org_plan.mentors]
        mentee_ids = [next(all_mentees) for _ in org_plan.mentees]
        for pair in org_plan.pairs:
            pair_id = next(all_pairs)
            for index, joined, left, reason, replaced_by in pair.mentors:
                links_m.append({"pair_id": pair_id, "mentor_id": mentor_ids[index], "joined_on": joined,
                                "left_on": left, "leave_reason": reason, "leave_comment": "",
                                "replaced_by_id": None if replaced_by is None else mentor_ids[replaced_by]})
            links_e.extend({"pair_id": pair_id, "mentee_id": mentee_ids[index], "joined_on": joined,
                            "left_on": None} for index, joined in pair.mentees)
        for i, m in enumerate(org_plan.mentees):
            signed = max(first.get(("mentee", i), today) - timedelta(days=rng.randint(2, 12)), m.birth_date)
            consents.append(_consent(rng, m.birth_date, signed, m.guardian, mentor_id=None, mentee_id=mentee_ids[i]))
        for i, m in enumerate(org_plan.mentors):
            signed = first.get(("mentor", i), today) - timedelta(days=rng.randint(2, 12))
            consents.append(_consent(rng, m.birth_date, signed, guardian(rng, m.name), mentor_id=mentor_ids[i],
                                     mentee_id=None))
            published = _publication(rng, m, mentor_ids[i], signed, today, awards, achievements)
            if published is not None:
                consents.append(published)
                public.append(mentor_ids[i])
    for table, rows in ((PairMentor, links_m), (PairMentee, links_e), (Consent, consents), (Award, awards)):
        if rows:
            db.session.execute(table.__table__.insert(), rows)
    mentors = Mentor.__table__
    if achievements:
        db.session.execute(sa.update(mentors).where(mentors.c.id == sa.bindparam("mentor"))
                           .values(achievements=sa.bindparam("text")), achievements)
    return public


def _publication(rng: random.Random, m: MentorPlan, mentor_id: int, signed: date, today: date,
                 awards: list[dict], achievements: list[dict]) -> dict | None:
    """About 40% of the adult mentors agree to be published; some teachers with awards form the honorary gallery."""
    adult = m.category is not MentorCategory.student and age_on(m.birth_date, today) >= 18
    if not adult or m.left_on is not None or rng.random() > 0.4:
        return None
    fields = _CORE_FIELDS + [f for f in _MORE_FIELDS if rng.random() < 0.75]
    if m.category is MentorCategory.teacher and age_on(m.birth_date, today) >= 40 and rng.random() < 0.25:
        fields.append("awards")
        awards.append(_award(rng, mentor_id, today.year))
    if "achievements" in fields:
        achievements.append({"mentor": mentor_id, "text": rng.choice(ACHIEVEMENTS)})
    return {"kind": ConsentKind.publication, "given_by": GivenBy.subject, "guardian_name": "", "signed_on": signed,
            "document": f"согласие на распространение от {signed:%d.%m.%Y}", "mentor_id": mentor_id,
            "mentee_id": None, "fields": ",".join(f for f in PUBLIC_FIELDS if f in fields)}


def _award(rng: random.Random, mentor_id: int, year: int) -> dict:
    title = rng.choices((AwardTitle.honorary_mentor, AwardTitle.for_mentoring, AwardTitle.best_mentor,
                         AwardTitle.other), (1, 3, 4, 1))[0]
    other = "Почётная грамота министерства образования и науки края" if title is AwardTitle.other else ""
    return {"mentor_id": mentor_id, "title": title, "other_title": other, "year": year - rng.randint(0, 5)}


def _practices(story) -> None:
    """One or two practices per organization: most published by the reviewer, some waiting, one returned."""
    year, clock = story.year, story.clock
    for org in story.organizations:
        rng = random.Random(f"practices:{org.code}")
        curator, reviewer = story.curators.get(org.id), story.reviewer(org)
        candidates = [p for p in PRACTICES if org.org_type.value == "vocational" or p[1] != "employer_student"]
        for form, role_model, title, description, results in rng.sample(candidates, rng.randint(1, 2)):
            practice = practice_services.create_practice(org, {
                "title": title, "form": form, "role_model": role_model, "description": description,
                "results": results}, actor=curator)
            roll = rng.random()
            if roll < 0.1:
                continue  # a draft
            practice_services.propose(practice, actor=curator, now=clock.at(year, 9, rng.randint(1, 20)))
            if roll < 0.2:
                continue  # waiting for the reviewer
            when = clock.at(year, 9, rng.randint(21, 30))
            if roll < 0.25:
                practice_services.return_practice(practice, "Добавьте результаты в цифрах за прошлый учебный год.",
                                                  actor=reviewer, now=when)
            else:
                practice_services.approve(practice, actor=reviewer, now=when)

