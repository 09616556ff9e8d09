"""Each unit is on time, late (submitted after the deadline under an extension) or overdue; aggregates count them."""
from datetime import UTC, datetime, timedelta

from deadlines import extension_grants
from deadlines.timeliness import Timeliness, timeliness
from monitoring import aggregation, queries, services
from registry.extensions import db
from tests import factories

DEADLINE = datetime(2027, 10, 20, 14, tzinfo=UTC)


def test_timeliness_of_one_unit():
    assert timeliness(DEADLINE, DEADLINE - timedelta(seconds=1), window_open=False) is Timeliness.on_time
    assert timeliness(DEADLINE, DEADLINE + timedelta(days=2), window_open=False) is Timeliness.late
    assert timeliness(DEADLINE, None, window_open=False) is Timeliness.overdue
    assert timeliness(DEADLINE, None, window_open=True) is Timeliness.pending


def _submit(world, org, curator, now):
    services.save_values(world.campaign, org, dict(factories.VALID_VALUES), version=None, actor=curator, now=now)
    services.submit(world.campaign, org, actor=curator, now=now)


def test_completeness_counts_on_time_late_and_overdue(world, api_as):
    """School on time; «Косатка» on time under its extension (README: «в срок» is judged by the unit's own window);
    the Vanino school overdue; the college still extended."""
    campaign = world.campaign
    deadline = campaign.organization_deadline
    _submit(world, world.school, world.curator, deadline - timedelta(days=1))
    after = deadline + timedelta(days=1)
    extension_grants.grant(campaign, world.dod, after + timedelta(days=5), "Болезнь",
                           actor=world.khv_official, now=after)
    extension_grants.grant(campaign, world.college, after + timedelta(days=5), "Ремонт",
                           actor=world.operator, now=after)
    _submit(world, world.dod, world.dod_curator, after + timedelta(hours=3))
    db.session.commit()

    now = after + timedelta(days=2)
    region = aggregation.completeness(campaign, now)
    assert region == {"expected": 4, "submitted": 2, "accepted": 0, "overdue": 1, "on_time": 2, "late": 0}
    khv = aggregation.completeness(campaign, now, world.khv.id)
    assert khv == {"expected": 2, "submitted": 2, "accepted": 0, "overdue": 0, "on_time": 2, "late": 0}
    # once the college's extension has run out it is overdue too
    assert aggregation.completeness(campaign, after + timedelta(days=6))["overdue"] == 2

    assert queries.aggregate(campaign, world.dod, now, None)["completeness"] == {
        "expected": 1, "submitted": 1, "accepted": 0, "overdue": 0, "on_time": 1, "late": 0}
    services.accept(campaign, world.dod, actor=world.khv_official, now=after + timedelta(hours=4))
    db.session.commit()
    assert aggregation.completeness(campaign, now, world.khv.id)["on_time"] == 2  # accepting keeps it on time


def test_aggregates_api_reports_timeliness(world, api_as):
    campaign = world.campaign
    _submit(world, world.school, world.curator, campaign.organization_deadline - timedelta(days=3))
    db.session.commit()
    body = api_as(world.operator).get(f"/api/v1/regions/27/campaigns/{factories.YEAR}/aggregates/27-KHV").get_json()
    assert body["completeness"] == {"expected": 2, "submitted": 1, "accepted": 0, "overdue": 0, "on_time": 1,
                                    "late": 0}
