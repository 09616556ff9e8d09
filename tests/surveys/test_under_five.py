"""The under-5 rule (surveys.privacy) in every place a survey % or R10/R11 reaches a user, per role.

One world, built once for the module: the Khabarovsk school's mentee survey got 3 answers (77,8 %) beside the
ДО centre's 100 respondents (80 %), so the municipal R10 (79,9 %) would give the school's % away by difference;
the Vanino school, alone in its municipality, typed 2 respondents and 46,2 % (no survey), so Vanino's R10 is
that %; last year the school typed 4 respondents and 61,5 % (the form shows last year's figures). Everything
went up: accepted, both municipal reports accepted, the region consolidated, stored form sets built. Then every
page, API answer and download is fetched once per role and searched for those numbers.
"""
import io
import json
import re
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from exports import sources
from exports.models import FormSet
from monitoring import reports, services
from monitoring.services import membership
from registry.core.clock import now_utc
from registry.extensions import db
from scheduler.form_jobs import build_federal_forms
from surveys import privacy
from tests import factories
from tests.conftest import ApiClient, Browser, _empty_tables
from tests.factories import VALID_VALUES, YEAR
from tests.surveys.helpers import answer, answers

WEB = f"/campaigns/27/{YEAR}"
API = f"/api/v1/regions/27/campaigns/{YEAR}"


def figure(pattern: str) -> re.Pattern:
    """What a hidden figure looks like in any format (decimal comma or point, rounded or not), but not the seconds
    of a timestamp: «…:52:46.234567» in an answer made at that second is no leak of 46,2."""
    return re.compile(r"(?<!\d\d:\d\d:)" + pattern)


SCHOOL_PCT = figure(r"77[.,][78]")  # (8 − 1) / 9 × 100 = 77,78
KHV_R10 = figure(r"79[.,]9")  # (3 × 77,78 + 100 × 80) / 103 = 79,94
KHV_WEIGHTED = figure(r"8233[.,][34]")  # Σ pct × respondents, from which the school's % follows
VAN_PCT = figure(r"46[.,]2")  # the Vanino school's typed %, and Vanino's R10
VAN_WEIGHTED = figure(r"92[.,]4")
SCHOOL_LAST_YEAR = figure(r"61[.,]5")  # last year's typed % beside 4 respondents, shown as «было»

ROLES = ("curator", "van_curator", "khv_official", "van_official", "operator")


@dataclass
class Seen:
    """role → place → searchable text of the answer (status code first)."""
    texts: dict[str, dict[str, str]]
    ids: dict[str, int]

    def text(self, role: str, place: str) -> str:
        return self.texts[role][place]


def _pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,  # noqa: S603, S607
                          check=True).stdout.decode()


def _xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row
                    if v is not None)


def _text(response) -> str:
    data, kind = response.data, response.headers.get("Content-Type", "")
    response.close()  # a stored file is sent from an open file
    if data.startswith(b"%PDF"):
        body = _pdf_text(data)
    elif data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                body = _xlsx_text(data)
            else:
                # a stored set: its CSV and XML files (the PDF and XLSX ones print the same cells)
                body = " ".join(archive.read(name).decode("utf-8-sig", "replace") for name in names
                                if name.endswith((".csv", ".xml")))
    else:
        body = data.decode("utf-8-sig", "replace")
    return f"{response.status_code} {kind} {body}"


def _places(ids: dict[str, int]) -> dict[str, tuple[str, str]]:
    """place → (web|api, URL)."""
    web = {
        "form_school": f"{WEB}/submissions/27-KHV-S1", "form_van": f"{WEB}/submissions/27-VAN-S1",
        "review": f"{WEB}/review", "home": "/",
        "report_khv": f"{WEB}/municipalities/27-KHV/report", "report_van": f"{WEB}/municipalities/27-VAN/report",
        "region": f"{WEB}/", "members": f"{WEB}/members",
        "snapshot_khv": f"{WEB}/snapshots/{ids['khv']}", "snapshot_van": f"{WEB}/snapshots/{ids['van']}",
        "snapshot_region": f"{WEB}/snapshots/{ids['region']}",
        "surveys_school": f"{WEB}/surveys/27-KHV-S1",
        "answers_khv_xlsx": f"{WEB}/survey-answers/27-KHV/xlsx", "answers_khv_csv": f"{WEB}/survey-answers/27-KHV/csv",
        "monitoring_khv_pdf": f"{WEB}/monitoring-report/27-KHV/pdf",
        "monitoring_khv_xlsx": f"{WEB}/monitoring-report/27-KHV/xlsx",
        "monitoring_van_xlsx": f"{WEB}/monitoring-report/27-VAN/xlsx",
        "form_sets": f"{WEB}/form-sets", "form_set_zip": f"{WEB}/form-sets/{ids['set']}/zip",
        "federal_forms": f"{WEB}/federal-forms",
        "public": "/registry/", "opendata": "/registry/data",
    }
    # the PDF and XLSX forms print the same cells as the CSV and XML ones (tests/exports): not fetched again here
    for unit in ("27-KHV-S1", "27-KHV", "27-VAN-S1", "27-VAN"):
        web[f"fform_{unit}"] = f"{WEB}/federal-form/{unit}"
        for fmt in ("csv", "xml"):
            web[f"fform_{unit}_{fmt}"] = f"{WEB}/federal-form/{unit}/{fmt}"
    api = {
        "api_submission_school": f"{API}/submissions/27-KHV-S1", "api_submission_van": f"{API}/submissions/27-VAN-S1",
        "api_queue": f"{API}/submissions",
        "api_agg_school": f"{API}/aggregates/27-KHV-S1", "api_agg_van_school": f"{API}/aggregates/27-VAN-S1",
        "api_agg_khv": f"{API}/aggregates/27-KHV", "api_agg_van": f"{API}/aggregates/27-VAN",
        "api_agg_region": f"{API}/aggregates/27",
        "api_report_khv": f"{API}/municipalities/27-KHV/report", "api_snapshots": f"{API}/snapshots",
        "api_snapshot_khv": f"{API}/snapshots/{ids['khv']}", "api_snapshot_van": f"{API}/snapshots/{ids['van']}",
        "api_snapshot_region": f"{API}/snapshots/{ids['region']}",
        "api_surveys": f"{API}/surveys", "api_survey": f"{API}/surveys/{ids['survey']}",
        "api_answers": f"{API}/survey-answers?unit=27-KHV&format=csv", "api_form_sets": f"{API}/form-sets",
    }
    for unit in ("27-KHV-S1", "27-KHV", "27-VAN"):
        for fmt in ("csv", "xml"):
            api[f"api_fform_{unit}_{fmt}"] = f"{API}/federal-form?unit={unit}&format={fmt}"
    return {**{k: ("web", v) for k, v in web.items()}, **{k: ("api", v) for k, v in api.items()}}


def _build(world) -> dict[str, int]:
    client = world.app.test_client()
    api = ApiClient(client, client.post("/api/v1/auth/token", json={
        "email": world.curator.email, "password": factories.PASSWORD}).get_json()["token"])
    opened = api.post(f"{API}/surveys", json={"organization": "27-KHV-S1", "kind": "mentee", "links": 5}).get_json()
    for url in opened["links"][:3]:
        assert answer(client, url, answers(8)).status_code == 201
    school = {k: v for k, v in VALID_VALUES.items() if not k.startswith("mentee_s")}
    van = {**VALID_VALUES, "mentee_survey_respondents": 2, "mentee_satisfaction_pct": 46.2}
    for org, curator, reviewer, values in ((world.school, world.curator, world.khv_official, school),
                                           (world.dod, world.dod_curator, world.khv_official, VALID_VALUES),
                                           (world.van_school, world.van_curator, world.van_official, van),
                                           (world.college, world.college_curator, world.operator, VALID_VALUES)):
        services.save_values(world.campaign, org, dict(values), version=None, actor=curator)
        services.submit(world.campaign, org, actor=curator)
        services.accept(world.campaign, org, actor=reviewer)
    last_year = factories.open_campaign(world.region, YEAR - 1, world.admin)
    services.save_values(last_year, world.school, {**VALID_VALUES, "mentee_survey_respondents": 4,
                                                   "mentee_satisfaction_pct": 61.5}, version=None, actor=world.curator,
                         now=last_year.organization_deadline - timedelta(days=1))
    ids = {"survey": opened["id"]}
    for key, municipality, official in (("khv", world.khv, world.khv_official), ("van", world.van, world.van_official)):
        ids[key] = reports.submit_report(world.campaign, municipality, actor=official).snapshot.id
        reports.accept_report(world.campaign, municipality, actor=world.operator)
    ids["region"] = reports.consolidate(world.campaign, actor=world.operator).id
    db.session.commit()
    build_federal_forms(now_utc())
    ids["set"] = db.session.scalar(sa.select(FormSet.id).where(FormSet.level == "region"))
    return ids


@pytest.fixture(scope="module")
def seen(app, tmp_path_factory) -> Seen:
    """Build the world once and fetch every place as every role (each answer kept as text)."""
    exports_dir = app.config["EXPORTS_DIR"]
    app.config["EXPORTS_DIR"] = str(tmp_path_factory.mktemp("exports"))
    with app.app_context():
        _empty_tables()
        world = factories.build_world()
        world.app = app
        ids = _build(world)
        places = _places(ids)
        texts = {}
        for role in (*ROLES, "anonymous"):
            user = getattr(world, role, None)
            web = Browser(app.test_client())
            api = ApiClient(app.test_client(), None)
            if user is not None:
                assert web.login(user.email).status_code == 302
                api = ApiClient(app.test_client(), app.test_client().post("/api/v1/auth/token", json={
                    "email": user.email, "password": factories.PASSWORD}).get_json()["token"])
            texts[role] = {place: _text((web if kind == "web" else api).get(url))
                           for place, (kind, url) in places.items()}
        # the sources of the federal forms per viewer (the built-in layout prints no %, a dropped-in one may)
        school = sources.organization_values(world.campaign, [(world.school, membership(world.campaign,
                                                                                           world.school))], None)
        khv = sources.consolidated_values(world.campaign, world.khv)
        texts["forms_source_anyone"] = {"school": json.dumps(school[world.school.id].values),
                                        "khv": json.dumps(khv.values)}
        for role in ROLES:
            user = getattr(world, role)
            values = sources.organization_values(world.campaign, [(world.school, membership(world.campaign,
                                                                                               world.school))], user)
            texts[role]["source_school"] = json.dumps(values[world.school.id].values)
            texts[role]["source_khv"] = json.dumps(sources.consolidated_values(world.campaign, world.khv, user).values)
        db.session.remove()
        _empty_tables()
    app.config["EXPORTS_DIR"] = exports_dir
    return Seen(texts, ids)


def _leaks(seen: Seen, role: str, pattern: re.Pattern) -> list[str]:
    return sorted(place for place, text in seen.texts[role].items() if pattern.search(text))


@pytest.mark.parametrize("role", ["curator", "van_curator", "khv_official", "van_official", "anonymous"])
def test_a_small_survey_percentage_reaches_no_one_below_the_region_not_even_its_curator(seen, role):
    """PRODUCT.md §10: under 5 respondents the curator who handed out the links sees only the count."""
    assert _leaks(seen, role, SCHOOL_PCT) == []
    assert _leaks(seen, role, SCHOOL_LAST_YEAR) == []


@pytest.mark.parametrize("role", ["curator", "van_curator", "khv_official", "van_official", "anonymous"])
def test_a_mean_that_gives_a_small_organization_away_is_hidden_below_the_region(seen, role):
    """Khabarovsk's R10 (the school by difference) and Vanino's (one organization) and their weighted sums."""
    for pattern in (KHV_R10, KHV_WEIGHTED, VAN_WEIGHTED):
        assert _leaks(seen, role, pattern) == [], pattern.pattern


@pytest.mark.parametrize("role", ["curator", "khv_official", "van_official", "anonymous"])
def test_the_vanino_typed_percentage_is_hidden_as_a_survey_one(seen, role):
    assert _leaks(seen, role, VAN_PCT) == []


def test_the_curator_sees_the_own_typed_percentage_and_the_survey_count(seen):
    assert VAN_PCT.search(seen.text("van_curator", "api_submission_van"))
    assert '"respondents": 3' in seen.text("curator", "api_survey").replace('":3', '": 3')
    assert not KHV_R10.search(seen.text("curator", "api_agg_school"))


def test_the_region_sees_every_figure(seen):
    expected = {SCHOOL_PCT: ("form_school", "api_submission_school", "api_survey", "api_agg_school"),
                SCHOOL_LAST_YEAR: ("form_school",),
                KHV_R10: ("report_khv", "api_agg_khv", "api_snapshot_khv", "snapshot_khv", "monitoring_khv_xlsx"),
                VAN_PCT: ("api_agg_van", "api_snapshot_van", "report_van", "api_submission_van", "monitoring_van_xlsx"),
                KHV_WEIGHTED: ("api_snapshot_khv",)}
    for pattern, places in expected.items():
        for place in places:
            assert pattern.search(seen.text("operator", place)), (pattern.pattern, place)


def test_the_municipality_still_gets_the_counts_and_the_hidden_mark(seen):
    """The respondents stay; the R10 is null with the reason; the surveys' list says why there is no %."""
    body = json.loads(seen.text("khv_official", "api_agg_khv").split(" ", 2)[2])
    assert body["indicators"]["R10"] == {**body["indicators"]["R10"], "value": None, "hidden": True}
    assert body["indicators"]["R11"]["value"] == pytest.approx(90)  # 40 + 40 respondents: shown
    submission = json.loads(seen.text("khv_official", "api_submission_school").split(" ", 2)[2])
    assert submission["values"]["mentee_survey_respondents"] == 3
    assert "mentee_satisfaction_pct" not in submission["values"]
    assert json.loads(seen.text("khv_official", "api_survey").split(" ", 2)[2])["satisfaction_pct"] is None
    assert "меньше 5 ответивших" in seen.text("khv_official", "report_khv")


def test_the_forms_read_for_nobody_in_particular_leave_the_small_percentages_out(seen):
    for text in seen.texts["forms_source_anyone"].values():
        assert not SCHOOL_PCT.search(text) and not KHV_R10.search(text)
    assert "mentee_survey_respondents" in seen.texts["forms_source_anyone"]["school"]


def test_the_rule_pools_the_small_organizations():
    """Pooled small respondents 1–4 hide a mean; 0 (none small) or ≥ 5 (their joint mean only) show it."""
    campaign = type("C", (), {"region_id": 1})()
    assert privacy.hidden_codes(None, campaign, {"mentee_satisfaction_pct": 4, "mentor_satisfaction_pct": 0}) == {
        "mentee_satisfaction_pct", "R10"}
    assert privacy.hidden_codes(None, campaign, {"mentee_satisfaction_pct": 6, "mentor_satisfaction_pct": 5}) == set()
    assert privacy.small_of_values({"mentee_survey_respondents": 4, "mentor_survey_respondents": 5}) == {
        "mentee_satisfaction_pct": 4, "mentor_satisfaction_pct": 0}

