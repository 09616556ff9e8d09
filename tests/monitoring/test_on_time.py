"""One definition of «в срок / с опозданием»: sent no later than the unit's own closing instant, its extension
included (deadlines.unit_deadline) — the same on the dashboard, in the aggregates and in the monitoring report."""
from datetime import timedelta

from lxml import html

from deadlines import extension_grants
from exports.builders.monitoring_report import monitoring_report
from monitoring import aggregation, queries, services
from monitoring.views._dashboard import status_cells
from registry.core.clock import now_utc
from registry.extensions import db
from tests.factories import VALID_VALUES


def test_an_extended_unit_sending_within_its_extension_is_on_time_everywhere(world, login_as):
    """The school's window was extended past the general deadline and it sent under the extension: «в срок» on the
    dashboard and in the report alike. The centre sent under an extension that was later revoked: its window closed
    with the general deadline, so it sent «с опозданием» — in both places too."""
    now = now_utc()
    world.campaign.organization_deadline = now - timedelta(days=2)
    granted = {org: extension_grants.grant(world.campaign, org, now + timedelta(days=3), "болел куратор",
                                     actor=world.khv_official, now=now - timedelta(days=3))
               for org in (world.school, world.dod)}
    for org, curator in ((world.school, world.curator), (world.dod, world.dod_curator)):
        services.save_values(world.campaign, org, dict(VALID_VALUES), version=None, actor=curator, now=now)
        services.submit(world.campaign, org, actor=curator, now=now)
    extension_grants.revoke(granted[world.dod], actor=world.khv_official, now=now)
    db.session.commit()

    assert status_cells(world.campaign, now)[world.khv.id]["late"] == 1  # the dashboard's matrix
    counts = aggregation.completeness(world.campaign, now, world.khv.id)
    assert (counts["on_time"], counts["late"]) == (1, 1)
    school = queries.aggregate(world.campaign, world.school, now, world.operator)["completeness"]
    centre = queries.aggregate(world.campaign, world.dod, now, world.operator)["completeness"]
    assert (school["on_time"], school["late"], centre["on_time"], centre["late"]) == (1, 0, 0, 1)
    verdicts = {r["code"]: r["verdict"] for r in monitoring_report(world.campaign, world.khv).tables[3].rows}
    assert (verdicts[world.school.code], verdicts[world.dod.code]) == ("в срок", "с опозданием")

    page = login_as(world.operator).get(f"/campaigns/27/{world.campaign.year}/").get_data(as_text=True)
    table = html.fromstring(page).xpath("//table")[0]
    rows = {tr[0].text_content().strip(): [c.text_content().strip() for c in tr] for tr in table.xpath("./tbody/tr")}
    assert rows[world.khv.name][8] == "1"  # «сдано с опозданием» on the page: the centre only
