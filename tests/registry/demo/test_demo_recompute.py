"""Every indicator of the demo, recomputed at every level from raw rows read with plain SQL — without the app's
aggregation code — equals what the aggregates API answers and what the frozen snapshots keep (issue 13).

The formulas below are written out the way the README's «Как считаются показатели» section states them, so this
test also checks that the README describes what the app computes.
"""
import json
from collections import defaultdict
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from registry.demo import accounts
from registry.extensions import db

SHARES = {"R2": ("general", "mentees_students", "students_total"),
          "R4": ("additional", "mentees_students", "students_total"),
          "R6": ("vocational", "mentees_students", "students_total"),
          "R7": (None, "teachers_young_supported", "teachers_young_total"),
          "R8": (None, "mentors_students_age_15_19", "students_age_15_19"),
          "I1": (None, "mentees_students_full_cycle", "students_total")}
INVOLVED = "('approved', 'active', 'completed')"


def _rows(sql: str, **params) -> list:
    return db.session.execute(sa.text(sql), params).all()


class Raw:
    """The accepted values, the records and the denominators of one campaign, as plain rows."""

    def __init__(self, campaign_id: int, year: int):
        self.year = year
        self.orgs: dict[int, dict] = {}  # organization id → {"type", "municipality", "values"}
        for org_id, org_type, municipality_id, code, value in _rows(
                "SELECT m.organization_id, m.org_type, m.reporting_municipality_id, v.code, v.value "
                "FROM campaign_members m JOIN submissions s ON s.campaign_id = m.campaign_id "
                "AND s.organization_id = m.organization_id JOIN submission_values v ON v.submission_id = s.id "
                "WHERE m.campaign_id = :c AND s.status = 'accepted'", c=campaign_id):
            org = self.orgs.setdefault(org_id, {"type": org_type, "municipality": municipality_id, "values": {}})
            org["values"][code] = float(value)
        self.region_total = _rows("SELECT enterprises_in_region_total FROM campaigns WHERE id = :c",
                                  c=campaign_id)[0][0]
        self.municipal_totals = dict(_rows("SELECT municipality_id, enterprises_total FROM campaign_municipalities "
                                           "WHERE campaign_id = :c", c=campaign_id))
        self.partner_records = {r[0] for r in _rows("SELECT DISTINCT organization_id FROM partner_agreements")}
        self.people_records = {r[0] for r in _rows("SELECT organization_id FROM mentors UNION "
                                                   "SELECT organization_id FROM mentees")}
        first, last = f"{year}-01-01", f"{year}-12-31"
        in_year = ("p.status IN " + INVOLVED + " AND p.start_on <= :last AND COALESCE(p.closed_on, p.end_on, :last)"
                   " >= :first AND l.joined_on <= :last AND (l.left_on IS NULL OR l.left_on >= :first)")
        self.inns = defaultdict(set)
        for org_id, inn in _rows(
                "SELECT p.organization_id, pa.inn FROM mentoring_pairs p JOIN pair_mentors l ON l.pair_id = p.id "  # noqa: S608
                "JOIN mentors m ON m.id = l.mentor_id JOIN partners pa ON pa.id = m.partner_id "
                f"WHERE m.category = 'employer' AND pa.kind = 'enterprise' AND {in_year}", first=first, last=last):
            self.inns[org_id].add(inn)
        self.people = defaultdict(int)
        for table, column in (("pair_mentees", "mentee_id"), ("pair_mentors", "mentor_id")):
            for org_id, count in _rows(
                    f"SELECT p.organization_id, COUNT(DISTINCT l.{column}) FROM mentoring_pairs p "  # noqa: S608
                    f"JOIN {table} l ON l.pair_id = p.id WHERE {in_year} GROUP BY p.organization_id",
                    first=first, last=last):
                self.people[org_id] += count

    def indicators(self, org_ids: list[int], level: str, unit_id: int | None = None) -> dict:
        def total(code, org_type=None):
            return sum(self.orgs[o]["values"].get(code, 0) for o in org_ids
                       if org_type is None or self.orgs[o]["type"] == org_type)

        def share(numerator, denominator):
            return None if not denominator else 100 * numerator / denominator

        found = {code: share(total(num, t), total(den, t)) for code, (t, num, den) in SHARES.items()}
        for code, (pct, resp) in {"R10": ("mentee_satisfaction_pct", "mentee_survey_respondents"),
                                  "R11": ("mentor_satisfaction_pct", "mentor_survey_respondents")}.items():
            weighted = sum(self.orgs[o]["values"].get(pct, 0) * self.orgs[o]["values"].get(resp, 0) for o in org_ids)
            found[code] = share(weighted, total(resp)) and weighted / total(resp)
        found["F1"] = share(total("mentees_students") + total("mentors_total"), total("students_total"))
        found["F2"] = sum(self.people[o] if o in self.people_records else
                          sum(self.orgs[o]["values"].get(c, 0) for c in ("mentees_students",
                                                                          "mentees_form_teacher_teacher",
                                                                          "mentors_total"))
                          for o in org_ids) if org_ids else None
        inns = set().union(*(self.inns[o] for o in org_ids if o in self.partner_records))
        reported = sum(self.orgs[o]["values"].get("partner_enterprises_with_mentors", 0)
                       for o in org_ids if o not in self.partner_records)
        count = len(inns) + reported
        denominator = None if level == "organization" else (
            self.region_total if level == "region" else self.municipal_totals.get(unit_id))
        found["R9"] = share(count, denominator)
        found["R9 count"] = count
        found["R9 approximate"] = level != "organization" and reported > 0
        return found


def _same(app_indicators: dict, expected: dict, where: str) -> None:
    for code, value in expected.items():
        if code == "R9 count":
            got = app_indicators["R9"]["count"]
        elif code == "R9 approximate":
            got = app_indicators["R9"]["approximate"]
        else:
            got = app_indicators[code]["value"]
        if value is None or isinstance(value, bool):
            assert got is value, f"{where} {code}: app {got}, recomputed {value}"
        else:
            assert got == pytest.approx(value, rel=1e-9), f"{where} {code}: app {got}, recomputed {value}"


def test_demo_indicators_recomputed_by_hand_match_the_api_and_the_snapshots(app, demo):
    """The demo as `flask seed-demo` loads it (conftest.py): with its records, so R9 and F2 come from them at every
    level."""
    region = SimpleNamespace(id=demo.region_id)
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"email": "operator@example.org",
                                                    "password": accounts.PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    municipalities = dict(_rows("SELECT id, code FROM municipalities WHERE region_id = :r", r=region.id))
    org_codes = dict(_rows("SELECT id, code FROM organizations WHERE region_id = :r", r=region.id))
    checked = defaultdict(int)
    for campaign_id, year in _rows("SELECT id, year FROM campaigns WHERE region_id = :r", r=region.id):
        raw = Raw(campaign_id, year)
        assert raw.orgs, "the demo has accepted organizations in every campaign"

        def api(code, year=year):
            response = client.get(f"/api/v1/regions/27/campaigns/{year}/aggregates/{code}", headers=headers)
            assert response.status_code == 200, response.get_json()
            return response.get_json()["indicators"]

        _same(api("27"), raw.indicators(list(raw.orgs), "region"), f"{year} region")
        checked["region"] += 1
        for municipality_id, code in municipalities.items():
            members = [o for o, org in raw.orgs.items() if org["municipality"] == municipality_id]
            _same(api(code), raw.indicators(members, "municipality", municipality_id), f"{year} {code}")
            checked["municipality"] += 1
        for org_id in raw.orgs:
            _same(api(org_codes[org_id]), raw.indicators([org_id], "organization"), f"{year} {org_codes[org_id]}")
            checked["organization"] += 1

        # the latest frozen snapshot of each unit: its organizations are those whose rows it froze (a regional
        # snapshot's municipal parts included); nothing in the demo changes after freezing
        for snapshot_id, level, unit_code, summary in _rows(
                "SELECT id, level, unit_code, summary FROM snapshots s WHERE campaign_id = :c AND version = "
                "(SELECT MAX(version) FROM snapshots t WHERE t.campaign_id = s.campaign_id AND t.level = s.level "
                "AND t.unit_code = s.unit_code)", c=campaign_id):
            summary = summary if isinstance(summary, dict) else json.loads(summary)
            ids = [snapshot_id, *summary.get("parts", [])]
            frozen = set(db.session.scalars(sa.select(sa.text("DISTINCT organization_id")).select_from(
                sa.table("snapshot_values", sa.column("snapshot_id"))).where(sa.column("snapshot_id").in_(ids))))
            assert frozen <= set(raw.orgs)
            unit_id = next((i for i, c in municipalities.items() if c == unit_code), None)
            _same(summary["indicators"], raw.indicators(sorted(frozen), level, unit_id), f"{year} snapshot {unit_code}")
            checked["snapshot"] += 1
    assert checked["region"] == 2 and checked["municipality"] == 38 and checked["organization"] > 60
    assert raw.people_records and raw.partner_records and raw.inns  # the records took part in R9 and F2
    assert checked["snapshot"] >= 20
