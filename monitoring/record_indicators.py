"""R9 and F2: the two indicators that read the personalised records as well as the submitted sums (PRODUCT.md §8).

Both are computed per organization first (from its records where it keeps them, else from what it reported),
then combined for any set of organizations — one unit, or every group of a report table — with a fixed number
of queries:

- R9 numerator = distinct ИНН of the *enterprise* partners that provided mentors to the organizations keeping
  partner records + the reported `partner_enterprises_with_mentors` of the organizations without partner
  records (then the value is *approximate*: one enterprise may be counted by two organizations). Denominator:
  the region's `enterprises_in_region_total`, a municipality's own `enterprises_total`; an organization has no
  R9 share (null), its count is shown.
- F2 = participants: mentees of every kind plus mentors, distinct persons of the organization's records where
  it keeps records, else its reported mentees_students + mentees_form_teacher_teacher + mentors_total.
"""
from dataclasses import dataclass, field

import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy.models import Level
from monitoring import municipal_parameters
from monitoring.indicators import SURVEY_PAIRS, reported_participants
from registry.extensions import db
from registry.mentoring import queries as records

REASON_ORGANIZATION = "для организации доля не считается: показано число предприятий"
REASON_MUNICIPALITY = "не задано число предприятий муниципалитета"
REASON_REGION = "не задано число предприятий региона"
REASON_DIRECT = "у организаций регионального подчинения нет своей территории: показано число предприятий"
REASON_ZERO = "число предприятий равно 0"
_CODES = ("partner_enterprises_with_mentors", "mentees_students", "mentees_form_teacher_teacher", "mentors_total")
#: the survey percentages and respondents, read in the same pass for the callers that also need `survey_rows`
_SURVEY_CODES = (*SURVEY_PAIRS, *SURVEY_PAIRS.values())


@dataclass(frozen=True)
class Result:
    """One indicator's value with what the API and the pages say about it."""

    value: float | None
    approximate: bool = False
    reason: str | None = None
    #: R9: the numerator (number of enterprises), shown also where the share is null.
    count: float | None = None


@dataclass
class OrgFacts:
    group: object
    reported: dict[str, float] = field(default_factory=dict)
    #: ИНН of its enterprise partners from the records; None when it keeps no partner records.
    inns: set[str] | None = None
    #: distinct participants from its records; None when it keeps no records of people.
    participants: int | None = None


def org_facts(campaign: Campaign, source: sa.Select, group: str = "organization_id") -> dict[int, OrgFacts]:
    """organization id → its facts, for the organizations of a monitoring source (aggregation.live_source…)."""
    return _org_facts(campaign, source, group, type_sums=False)[0]


def org_facts_and_sums(campaign: Campaign, source: sa.Select) -> tuple[dict[int, OrgFacts], list[tuple] | None]:
    """org_facts, and on PostgreSQL the source's sums by organization type and code (the rows aggregation.sums
    reads) from the same pass: GROUPING SETS joins the source's members, submissions and values once instead of
    twice (a region of 4,000 accepted organizations: 63 ms instead of 48 + 44). None on SQLite, which has no
    GROUPING SETS: aggregation.sums then runs its own GROUP BY."""
    return _org_facts(campaign, source, "organization_id",
                      type_sums=db.session.get_bind().dialect.name == "postgresql")


def _org_facts(campaign: Campaign, source: sa.Select, group: str,
               type_sums: bool) -> tuple[dict[int, OrgFacts], list[tuple] | None]:
    src = source.subquery("r9src")
    # one pass over the source: a row per organization with its values of _CODES and the survey codes side by side
    # (NULL where it reported none), so an organization whose rows hold none of them is found too
    codes = (*_CODES, *_SURVEY_CODES)
    pivot = [sa.func.max(sa.case((src.c.code == code, src.c.value))) for code in codes]
    keys = (src.c.organization_id, src.c[group])
    if type_sums:
        # the per-organization rows have no code (not in their grouping set), the (type, code) rows no organization
        query = sa.select(*keys, src.c.org_type, src.c.code, sa.func.sum(src.c.value), *pivot).group_by(
            sa.func.grouping_sets(sa.tuple_(*keys), sa.tuple_(src.c.org_type, src.c.code)))
    else:  # the same row shape: no type, code or sum
        query = sa.select(*keys, sa.null(), sa.null(), sa.null(), *pivot).group_by(*keys)
    facts: dict[int, OrgFacts] = {}
    by_type: list[tuple] | None = [] if type_sums else None
    for org_id, key, org_type, code, total, *values in db.session.execute(query):
        if code is not None:
            by_type.append((org_type, code, total))
            continue
        reported = {code: float(value) for code, value in zip(codes, values, strict=True) if value is not None}
        facts.setdefault(org_id, OrgFacts(key, reported))
    if not facts:
        return facts, by_type
    org_ids = sorted(facts)  # a list, not the source again: each query below would recompute it
    keeping_partners = records.with_partner_records(org_ids)
    inns = records.enterprise_inns(org_ids, campaign.year)
    keeping_people = records.with_people_records(org_ids)
    participants = records.participants_from_records(org_ids, campaign.year)
    for org_id, fact in facts.items():
        if org_id in keeping_partners:
            fact.inns = inns.get(org_id, set())
        if org_id in keeping_people:
            fact.participants = participants.get(org_id, 0)
    return facts, by_type


def r9(facts: list[OrgFacts], denominator: int | None, *, no_share_reason: str | None = None,
       missing_reason: str = REASON_REGION) -> Result:
    """R9 of a set of organizations: distinct enterprise ИНН from records + reported counts of the others."""
    inns: set[str] = set()
    reported = 0.0
    for fact in facts:
        if fact.inns is not None:
            inns |= fact.inns
        else:
            reported += fact.reported.get("partner_enterprises_with_mentors", 0.0)
    count = len(inns) + reported
    approximate = reported > 0
    if no_share_reason == REASON_ORGANIZATION:
        return Result(None, False, no_share_reason, count)  # its own count: nothing to count twice
    if no_share_reason is not None:
        return Result(None, approximate, no_share_reason, count)
    if denominator is None:
        return Result(None, approximate, missing_reason, count)
    if denominator == 0:
        return Result(None, approximate, REASON_ZERO, count)
    return Result(100.0 * count / denominator, approximate, None, count)


def f2(facts: list[OrgFacts]) -> Result:
    """F2 of a set of organizations: records-derived participants where kept, else the reported sums."""
    if not facts:
        return Result(None)  # no data, like a zero denominator
    total = sum(fact.participants if fact.participants is not None else reported_participants(fact.reported)
                for fact in facts)
    return Result(float(total))


def survey_rows(facts: dict[int, OrgFacts]) -> list[dict]:
    """aggregation.survey_rows of the same source, from its facts: the dashboards read the source once less."""
    return [{code: fact.reported.get(code) for code in _SURVEY_CODES} for fact in facts.values()]


def evaluate(campaign: Campaign, source: sa.Select, level: Level, unit_id: int | None = None,
             facts: dict[int, OrgFacts] | None = None) -> dict[str, Result]:
    """R9 and F2 of one unit whose organizations' rows are `source` (`unit_id`: the municipality's id);
    `facts`: the source's org_facts when the caller has read them."""
    facts = list((org_facts(campaign, source) if facts is None else facts).values())
    if level is Level.organization:
        result = r9(facts, None, no_share_reason=REASON_ORGANIZATION)
    elif level is Level.municipality:
        result = r9(facts, municipal_parameters.enterprises_total(campaign, unit_id),
                    missing_reason=REASON_MUNICIPALITY)
    else:
        result = r9(facts, campaign.enterprises_in_region_total)
    return {"R9": result, "F2": f2(facts)}


def by_group(campaign: Campaign, source: sa.Select, group: str) -> dict[object, dict[str, Result]]:
    """R9 and F2 of every group of a report table: `group` is reporting_municipality_id or organization_id."""
    grouped: dict[object, list[OrgFacts]] = {}
    for fact in org_facts(campaign, source, group).values():
        grouped.setdefault(fact.group, []).append(fact)
    totals = municipal_parameters.enterprises_totals(campaign) if group == "reporting_municipality_id" else {}
    found = {}
    for key, facts in grouped.items():
        if group == "organization_id":
            result = r9(facts, None, no_share_reason=REASON_ORGANIZATION)
        elif key is None:
            result = r9(facts, None, no_share_reason=REASON_DIRECT)
        else:
            result = r9(facts, totals.get(key), missing_reason=REASON_MUNICIPALITY)
        found[key] = {"R9": result, "F2": f2(facts)}
    return found
