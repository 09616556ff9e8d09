"""Two demo campaigns told through the real services: last year done and consolidated, this year in progress.

Services enforce the deadline windows with `now=`; historical actions pass an instant inside the window
(clamped to the real present, so the seed also works early in a campaign year).
"""
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from deadlines import extension_grants
from deadlines.models import Campaign
from hierarchy.models import Municipality, Organization, Region
from monitoring import campaigns, municipal_parameters, reports, services
from monitoring.models import SubmissionStatus
from registry.auth.models import User
from registry.demo import plans as demo_plans
from registry.demo.values import Profile, profile, values_for, values_from_records
from registry.extensions import db
from registry.mentoring import queries as records

#: Denominator of R9: enterprises of the krai (an order of magnitude, for the demo).
ENTERPRISES_IN_REGION = 1450
#: Denominators of the municipal R9 (PRODUCT.md §8): enterprises on each territory; the cities are set here, the
#: districts drawn from a fixed seed. One district has not set its count this year, so its R9 shows the reason.
MUNICIPAL_ENTERPRISES = {"27-KHV": 410, "27-KMS": 190}
UNSET_ENTERPRISES = "27-TCH"
#: Comments a reviewer leaves when returning a report (shown to the curator).
RETURN_COMMENTS = (
    "Сумма наставников по категориям не совпадает с реестром наставников школы: проверьте педагогов-наставников.",
    "Число наставляемых в форме «учитель — ученик» выше, чем в плане на год: уточните данные.",
    "Не приложен протокол опроса удовлетворённости наставляемых: уточните число ответивших.",
)


class Clock:
    """Local dates of the region as UTC instants, never later than the real present."""

    def __init__(self, region: Region, now: datetime):
        self.tz = ZoneInfo(region.timezone)
        self.now = now

    def at(self, year: int, month: int, day: int, hour: int = 11) -> datetime:
        local = datetime(year, month, day, hour, tzinfo=self.tz)
        return min(local.astimezone(UTC), self.now - timedelta(minutes=10))


class Story:
    """Shared state of the demo: the region, its units, the demo users and one random generator."""

    def __init__(self, region: Region, users: dict[str, User], now: datetime, year: int):
        self.region = region
        self.year = year
        self.users = users
        self.clock = Clock(region, now)
        self.rng = random.Random(27)
        self.municipalities = list(db.session.scalars(
            sa.select(Municipality).where(Municipality.region_id == region.id).order_by(Municipality.code)))
        self.organizations = list(db.session.scalars(
            sa.select(Organization).where(Organization.region_id == region.id).order_by(Organization.code)))
        self.profiles: dict[str, Profile] = {}
        self._counts: dict[tuple[str, int], dict[str, int]] = {}
        #: The records planned for each organization (registry.demo.seed_records), by organization code.
        self.plans: dict = {}
        for org in self.organizations:
            city = org.location_municipality_id in {m.id for m in self.municipalities if m.code in ("27-KHV", "27-KMS")}
            rng = random.Random(f"profile:{org.code}")
            self.profiles[org.code] = profile(rng, org.org_type.value, size=1.0 if city else rng.uniform(0.3, 0.8))
        self.officials = {users["khv"].municipality_id: users["khv"], users["van"].municipality_id: users["van"]}
        self.curators = {u.organization_id: u for k, u in users.items() if k in ("ksh1", "vmk", "school")}

    def set_enterprises(self, campaign: Campaign, year: int, *, leave_unset: str | None = None) -> None:
        """Each municipality's number of enterprises for the campaign, set by the regional operator."""
        for municipality in self.municipalities:
            if municipality.code == leave_unset:
                continue
            total = MUNICIPAL_ENTERPRISES.get(municipality.code) or random.Random(
                f"enterprises:{municipality.code}").randint(18, 70)
            municipal_parameters.set_enterprises_total(campaign, municipality, total - (self.year - year) * 2,
                                                       actor=self.users["operator"])

    def values(self, org: Organization, year: int) -> dict[str, float]:
        """What the organization submits: the counts of its records (as «Заполнить из учёта» computes them) and
        drawn values for the rest; plausible drawn values throughout when it keeps no records."""
        rng = random.Random(f"values:{org.code}:{year}")
        base = random.Random(f"participation:{org.code}").uniform(0.40, 0.62)
        years_on = year - self.year + 1  # this year 1, last year 0: participation grows
        if not records.has_records(org):
            return values_for(rng, self.profiles[org.code], participation=min(0.95, base + 0.1 * years_on),
                              growth=1.0 + 0.02 * years_on)
        # the size follows this year's mentees and participation; last year the school was a little smaller
        now = self.counts(org, self.year)["mentees_students"]
        students = round(now / min(0.95, base + 0.1) * (1 - 0.02 * (self.year - year)))
        return values_from_records(rng, self.profiles[org.code], self.counts(org, year), students_total=students)

    def counts(self, org: Organization, year: int) -> dict[str, int]:
        """The records' counts of the organization for the campaign year (computed once; records do not change)."""
        key = (org.code, year)
        if key not in self._counts:
            self._counts[key] = records.counts_from_records(org, year)
        return self._counts[key]

    def reviewer(self, org: Organization) -> User | None:
        if org.reports_to.value == "region":
            return self.users["operator"]
        return self.officials.get(org.location_municipality_id)

    def fill(self, campaign: Campaign, org: Organization, status: SubmissionStatus, *, day: int) -> None:
        """Bring one organization's submission to `status` with actions dated inside the windows."""
        year, curator, reviewer = campaign.year, self.curators.get(org.id), self.reviewer(org)
        values = self.values(org, year)
        if status is SubmissionStatus.draft:
            values = {code: v for code, v in values.items() if self.rng.random() < 0.6}  # half-filled
        saved = services.save_values(campaign, org, values, version=None, actor=curator,
                                     now=self.clock.at(year, 10, day))
        if status is SubmissionStatus.draft:
            return
        services.submit(campaign, org, actor=curator, version=saved.version, now=self.clock.at(year, 10, day, 15))
        if status is SubmissionStatus.accepted:
            services.accept(campaign, org, actor=reviewer, now=self.clock.at(year, 10, min(day + 5, 30)))
        elif status is SubmissionStatus.returned:
            services.return_submission(campaign, org, self.rng.choice(RETURN_COMMENTS), actor=reviewer,
                                       now=self.clock.at(year, 10, min(day + 3, 30)))

    def members_of(self, municipality: Municipality) -> list[Organization]:
        return [o for o in self.organizations
                if o.location_municipality_id == municipality.id and o.reports_to.value == "municipality"]

    def direct(self) -> list[Organization]:
        return [o for o in self.organizations if o.reports_to.value == "region"]


def previous_year(story: Story, year: int) -> Campaign:
    """Last year's campaign: every submission accepted, every municipal report accepted, consolidated."""
    clock, operator = story.clock, story.users["operator"]
    campaign = campaigns.open_campaign(story.region, year, actor=story.users["admin"], now=clock.at(year, 9, 1))
    campaigns.update_campaign(campaign, enterprises_in_region_total=ENTERPRISES_IN_REGION - 60, actor=operator)
    story.set_enterprises(campaign, year)
    for org in story.organizations:
        story.fill(campaign, org, SubmissionStatus.accepted, day=story.rng.randint(1, 19))
    for municipality in story.municipalities:
        official = story.officials.get(municipality.id)
        reports.submit_report(campaign, municipality, actor=official,
                              now=clock.at(year, 10, story.rng.randint(25, 31)))
        reports.accept_report(campaign, municipality, actor=operator, now=clock.at(year, 11, story.rng.randint(5, 20)))
    reports.consolidate(campaign, actor=operator, now=clock.at(year, 11, 28))
    return campaign


#: This year's scenario per municipality: what the region did with its report.
_REPORT_PLAN = {"27-KHV": "open", "27-VAN": "submitted", "27-NIK": "returned", "27-OKH": "open",
                "27-AMU": "submitted", "27-SGV": "submitted"}


def current_year(story: Story, year: int, now: datetime) -> Campaign:
    """This year's campaign in late November: organization and municipal windows closed, the region's open."""
    clock, operator, users = story.clock, story.users["operator"], story.users
    campaign = campaigns.open_campaign(story.region, year, actor=users["admin"], now=clock.at(year, 9, 1))
    campaigns.update_campaign(campaign, enterprises_in_region_total=ENTERPRISES_IN_REGION, actor=operator)
    story.set_enterprises(campaign, year, leave_unset=UNSET_ENTERPRISES)
    demo_plans.seed(story, campaign)
    fixed = {"27-KHV-KSH1": SubmissionStatus.returned, "27-KHV-D1": SubmissionStatus.draft,
             "27-R-VMK": SubmissionStatus.submitted, "27-R-CHGT": SubmissionStatus.draft,
             "27-VAN-D2": SubmissionStatus.draft}
    for org in story.organizations:
        status = fixed.get(org.code) or _draw_status(story.rng, _REPORT_PLAN.get(_code_of(story, org), "accepted"))
        if status is not None:
            story.fill(campaign, org, status, day=story.rng.randint(1, 19))
    for municipality in story.municipalities:
        plan = _REPORT_PLAN.get(municipality.code, "accepted")
        if plan == "open":
            continue
        reports.submit_report(campaign, municipality, actor=story.officials.get(municipality.id),
                              now=clock.at(year, 10, story.rng.randint(26, 31)))
        if plan == "accepted":
            reports.accept_report(campaign, municipality, actor=operator,
                                  now=clock.at(year, 11, story.rng.randint(3, 20)))
        elif plan == "returned":
            reports.return_report(campaign, municipality, "В отчёте нет двух школ района: дополните и отправьте "
                                  "повторно после продления срока.", actor=operator, now=clock.at(year, 11, 12))
    # the demo curators and the Khabarovsk official can still work: their windows are extended
    until = now + timedelta(days=30)
    khv = next(m for m in story.municipalities if m.code == "27-KHV")
    extension_grants.grant(campaign, khv, until, "Продление для демонстрации: проверка отчётов школ г. Хабаровска.",
                     actor=operator, now=now)
    for key in ("ksh1", "school"):
        extension_grants.grant(campaign, users[key].organization, until,
                         "Продление для демонстрации: исправление отчёта после возврата.", actor=users["khv"], now=now)
    return campaign


def _code_of(story: Story, org: Organization) -> str:
    return next(m.code for m in story.municipalities if m.id == org.location_municipality_id)


def _draw_status(rng: random.Random, plan: str) -> SubmissionStatus | None:
    """Mostly accepted; where the municipality is still at work, a mix of every state (None: not started)."""
    if plan in ("accepted", "submitted"):
        choices = [SubmissionStatus.accepted] * 9 + [SubmissionStatus.submitted]
    else:
        choices = [SubmissionStatus.accepted] * 4 + [SubmissionStatus.submitted] * 2 + [
            SubmissionStatus.returned, SubmissionStatus.draft, None]
    return rng.choice(choices)
