"""This year's plans in the demo: one approved through the workflow, one uploaded by the region, one waiting for
approval, and a school's own plan, so the dashboards show every state and the reports every source of a target."""
from deadlines.models import Campaign
from monitoring.plans import services as plans
from monitoring.plans.access import PlanUnit

#: The demo's planned targets, % (only the codes that apply to a unit are used).
TARGETS = {"R2": 60, "R4": 55, "R6": 50, "R7": 65, "R8": 8, "R9": 3, "R10": 80, "R11": 82}
#: A school aiming higher than its municipality.
SCHOOL_TARGETS = {"R2": 75, "R4": 60, "R6": 55, "R7": 80, "R8": 12, "R10": 88, "R11": 90}


def _targets(campaign: Campaign, unit: PlanUnit, wanted: dict) -> dict:
    return {code: wanted[code] for code in plans.applicable_codes(campaign, unit) if code in wanted}


def seed(story, campaign: Campaign) -> None:
    """Plans dated in September, inside every window. Caller commits."""
    year, clock, users = campaign.year, story.clock, story.users
    by_code = {m.code: m for m in story.municipalities}
    khv, van, kms = by_code["27-KHV"], by_code["27-VAN"], by_code["27-KMS"]
    plans.save_targets(campaign, khv, _targets(campaign, khv, TARGETS), version=None, actor=users["khv"],
                       now=clock.at(year, 9, 10))
    plans.submit(campaign, khv, actor=users["khv"], now=clock.at(year, 9, 10, 15))
    plans.approve(campaign, khv, actor=users["operator"], now=clock.at(year, 9, 14))
    plans.save_targets(campaign, van, _targets(campaign, van, dict(TARGETS, R2=50, R9=2)), version=None,
                       actor=users["van"], now=clock.at(year, 9, 12))
    plans.submit(campaign, van, actor=users["van"], now=clock.at(year, 9, 12, 15))
    plans.import_plan(campaign, kms, _targets(campaign, kms, dict(TARGETS, R2=65, R7=70)), actor=users["operator"],
                      now=clock.at(year, 9, 16))
    school = users["ksh1"].organization
    plans.save_targets(campaign, school, _targets(campaign, school, SCHOOL_TARGETS), version=None,
                       actor=users["ksh1"], now=clock.at(year, 9, 18))
    plans.submit(campaign, school, actor=users["ksh1"], now=clock.at(year, 9, 18, 15))
    plans.approve(campaign, school, actor=users["khv"], now=clock.at(year, 9, 20))
