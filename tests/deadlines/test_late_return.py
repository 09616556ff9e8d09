"""A report returned after its sender's window closed can still be fixed: the return grants an extension."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from deadlines import extension_requests, late_return
from deadlines.models import Extension
from deadlines.windows import closes_after, is_open
from hierarchy.models import Level
from monitoring import campaigns, reports, services
from registry.core.audit import AuditEntry
from registry.extensions import db
from tests.deadlines.conftest import notifications
from tests.factories import VALID_VALUES

TZ = "Asia/Vladivostok"


def _after(deadline: datetime, days: int = 2) -> datetime:
    return deadline + timedelta(days=days)


def _submitted(world):
    before = world.campaign.organization_deadline - timedelta(days=1)
    services.save_values(world.campaign, world.school, dict(VALID_VALUES), version=None, actor=world.curator,
                         now=before)
    services.submit(world.campaign, world.school, actor=world.curator, now=before)
    db.session.commit()


def _extensions(world, level: Level) -> list[Extension]:
    return list(db.session.scalars(sa.select(Extension).where(Extension.campaign_id == world.campaign.id,
                                                               Extension.level == level)))


def test_a_late_return_extends_the_organization_so_it_can_resubmit(world):
    _submitted(world)
    campaign = world.campaign
    late = _after(campaign.organization_deadline)  # the municipal window is still open
    assert "продление на 5 дн." in late_return.notice(campaign, world.school, late)
    services.return_submission(campaign, world.school, "Уточните число пар.", actor=world.khv_official, now=late)
    db.session.commit()
    [extension] = _extensions(world, Level.organization)
    assert extension.unit_id == world.school.id and extension.granted_by_id == world.khv_official.id
    assert extension.until == closes_after(_local_date(late) + timedelta(days=5), TZ)
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "extension.granted")).all()
    assert len(audit) == 1 and "Автоматически" in audit[0].comment
    [told] = notifications(world.curator)
    assert "Срок продлён автоматически" in told.body
    assert is_open(campaign, Level.organization, world.school.id, late)
    services.save_values(campaign, world.school, dict(VALID_VALUES, pairs_total=148), version=None,
                         actor=world.curator, now=late)
    services.submit(campaign, world.school, actor=world.curator, now=late)
    db.session.commit()
    assert services.get_submission(campaign, world.school).status.value == "submitted"


def _local_date(instant: datetime) -> date:
    return instant.astimezone(ZoneInfo(TZ)).date()


def test_a_return_before_the_deadline_grants_nothing(world):
    _submitted(world)
    early = world.campaign.organization_deadline - timedelta(hours=1)
    assert late_return.notice(world.campaign, world.school, early) is None
    services.return_submission(world.campaign, world.school, "Исправьте.", actor=world.khv_official, now=early)
    db.session.commit()
    assert _extensions(world, Level.organization) == []


def test_the_number_of_days_is_the_campaigns_setting(world):
    campaigns.update_campaign(world.campaign, late_return_days=3, actor=world.operator)
    db.session.commit()
    late = _after(world.campaign.organization_deadline)
    assert late_return.new_end(world.campaign, late) == closes_after(_local_date(late) + timedelta(days=3), TZ)
    assert "на 3 дн." in late_return.notice(world.campaign, world.school, late)


def test_a_late_municipal_return_extends_the_municipality(world):
    campaign = world.campaign
    before = campaign.municipality_deadline - timedelta(days=1)
    reports.submit_report(campaign, world.van, actor=world.van_official, now=before)
    late = _after(campaign.municipality_deadline)
    reports.return_report(campaign, world.van, "Нет школы.", actor=world.operator, now=late)
    db.session.commit()
    [extension] = _extensions(world, Level.municipality)
    assert extension.unit_id == world.van.id
    assert "Срок продлён автоматически" in notifications(world.van_official)[0].body
    report = reports.submit_report(campaign, world.van, actor=world.van_official, now=late + timedelta(days=1))
    assert report.status.value == "submitted"


def test_after_the_regional_deadline_the_423_says_whose_deadline_and_who_extends(world, api_as):
    campaign = world.campaign
    campaign.region_deadline = datetime.now(UTC) - timedelta(minutes=1)
    campaign.municipality_deadline = campaign.region_deadline - timedelta(days=1)
    campaign.organization_deadline = campaign.municipality_deadline - timedelta(days=1)
    db.session.commit()
    response = api_as(world.operator).post(f"/api/v1/regions/27/campaigns/{campaign.year}/consolidate")
    assert response.status_code == 423
    message = response.get_json()["error"]["message"]
    assert f"Приём данных региона закрыт ({world.region.name})" in message and "администратор системы" in message


def test_the_operators_request_tells_every_admin_once(world, login_as):
    campaign = world.campaign
    campaign.region_deadline = datetime.now(UTC) - timedelta(minutes=1)
    campaign.municipality_deadline = campaign.region_deadline - timedelta(days=1)
    campaign.organization_deadline = campaign.municipality_deadline - timedelta(days=1)
    db.session.commit()
    b = login_as(world.operator)
    page = b.get(f"/campaigns/27/{campaign.year}/").get_data(as_text=True)
    assert "Приём данных региона закрыт" in page and "Запросить продление у администратора" in page
    assert b.post(f"/campaigns/27/{campaign.year}/extension-request").status_code == 302
    assert b.post(f"/campaigns/27/{campaign.year}/extension-request").status_code == 302
    [asked] = notifications(world.admin)
    assert asked.kind == "extension-request" and world.region.name in asked.body
    assert extension_requests.request_region_extension(campaign, actor=world.operator, now=datetime.now(UTC)) == 0
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "extension.requested")).all()
    assert len(audit) == 1
