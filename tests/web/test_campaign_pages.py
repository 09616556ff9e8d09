"""Campaign pages of region staff: open a year, dates in local time, targets, membership, extensions."""
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from deadlines.models import Campaign, Extension
from monitoring.models import CampaignMember, IndicatorTarget
from registry.core.clock import now_utc
from registry.extensions import db
from tests import factories
from tests.web.conftest import campaign_url, form_data, submission_url, text

Y = factories.YEAR


def _campaign(world, year=Y) -> Campaign:
    db.session.expire_all()
    return db.session.scalar(sa.select(Campaign).where(Campaign.region_id == world.region.id, Campaign.year == year))


EDIT_FIELD = re.compile(r'name="((?:deadline|target)_\w+|enterprises_in_region_total)" type="[\w-]+" value="([^"]*)"')


def _edit_form(page: str) -> dict:
    """The edit form's current values, as the browser would send them back."""
    return dict(EDIT_FIELD.findall(page))


def test_operator_opens_a_new_campaign(login_as, world):
    operator = login_as(world.operator)
    page = text(operator.get("/campaigns/27/"))
    assert str(Y) in page and f'value="{Y + 1}"' in page  # the next year is suggested
    response = operator.post("/campaigns/27/", {"year": str(Y + 1)})
    assert response.status_code == 302 and response.headers["Location"] == f"/campaigns/27/{Y + 1}/edit"
    assert _campaign(world, Y + 1) is not None
    again = operator.post("/campaigns/27/", {"year": str(Y + 1)})
    assert again.status_code == 409 and "уже открыта" in text(again)
    bad = operator.post("/campaigns/27/", {"year": "двадцать"})
    assert bad.status_code == 422 and "Укажите год четырьмя цифрами" in text(bad)


def test_dates_are_entered_in_the_regions_local_time(login_as, world):
    """A datetime-local value is read in Asia/Vladivostok; the page shows the last inclusive day."""
    operator = login_as(world.operator)
    url = campaign_url(world, "edit")
    page = text(operator.get(url))
    assert f'value="{Y}-10-21T00:00"' in page and "Сейчас последний день приёма: 20 октября" in page
    form = _edit_form(page)
    form.update(deadline_organization=f"{Y}-10-26T00:00", enterprises_in_region_total="250", target_R2="45")
    response = operator.post(url, form)
    assert response.status_code == 302
    campaign = _campaign(world)
    assert campaign.organization_deadline == datetime(Y, 10, 25, 14, 0, tzinfo=UTC)
    assert campaign.enterprises_in_region_total == 250
    targets = dict(db.session.execute(sa.select(IndicatorTarget.code, IndicatorTarget.value)).all())
    assert targets == {"R2": 45.0}  # unchanged defaults are not pinned as the region's own
    page = text(operator.get(url))
    assert "Сейчас последний день приёма: 25 октября" in page and "Цель задана регионом." in page


def test_deadlines_out_of_order_are_refused_and_input_kept(login_as, world):
    operator = login_as(world.operator)
    url = campaign_url(world, "edit")
    form = _edit_form(text(operator.get(url)))
    form.update(deadline_organization=f"{Y}-12-30T00:00")
    response = operator.post(url, form)
    assert response.status_code == 422
    assert "Срок организаций ≤ срок муниципалитетов ≤ срок региона." in text(response)
    assert f'value="{Y}-12-30T00:00"' in text(response)
    assert _campaign(world).organization_deadline.astimezone(ZoneInfo("Asia/Vladivostok")).day == 21


def test_membership_remove_needs_a_reason_and_add_by_code(login_as, world):
    operator = login_as(world.operator)
    members = campaign_url(world, "members")
    assert world.dod.name in text(operator.get(members))
    remove = campaign_url(world, f"members/{world.dod.code}/remove")
    assert "Причина исключения" in text(operator.get(remove))
    refused = operator.post(remove, {"reason": " "})
    assert refused.status_code == 422 and "Причина обязательна." in text(refused)
    assert operator.post(remove, {"reason": "Организация ликвидирована"}).status_code == 302
    assert db.session.get(CampaignMember, (world.campaign.id, world.dod.id)) is None
    unknown = operator.post(members, {"org_code": "NOPE"})
    assert unknown.status_code == 422 and "«NOPE» не найдена" in text(unknown)
    assert operator.post(members, {"org_code": world.dod.code}).status_code == 302
    db.session.expire_all()
    assert db.session.get(CampaignMember, (world.campaign.id, world.dod.id)) is not None


def test_extension_reopens_the_form_for_one_organization(login_as, world):
    campaign = _campaign(world)
    campaign.organization_deadline = now_utc() - timedelta(days=1)
    db.session.commit()
    curator = login_as(world.curator)
    assert curator.post(submission_url(world, world.school), form_data({"students_total": 1}, version=0)).status_code \
        == 423
    official = login_as(world.khv_official)
    until = (now_utc() + timedelta(days=3)).astimezone(ZoneInfo("Asia/Vladivostok")).strftime("%Y-%m-%dT%H:%M")
    refused = official.post(campaign_url(world, "extensions"), {"unit_code": world.van_school.code, "until": until,
                                                                "reason": "Болезнь куратора"})
    assert refused.status_code == 403  # not its organization
    no_reason = official.post(campaign_url(world, "extensions"), {"unit_code": world.school.code, "until": until,
                                                                  "reason": ""})
    assert no_reason.status_code == 422 and "Укажите причину продления." in text(no_reason)
    granted = official.post(campaign_url(world, "extensions"), {"unit_code": world.school.code, "until": until,
                                                                "reason": "Болезнь куратора"})
    assert granted.status_code == 302
    page = text(official.get(campaign_url(world, "extensions")))
    assert world.school.name in page and "действует" in page and "Болезнь куратора" in page
    assert "продлён до" in text(curator.get("/"))
    assert curator.post(submission_url(world, world.school), form_data({"students_total": 1}, version=0)).status_code \
        == 302

    extension = db.session.scalar(sa.select(Extension))
    assert official.post(campaign_url(world, f"extensions/{extension.id}/revoke")).status_code == 302
    db.session.expire_all()
    assert db.session.get(Extension, extension.id).revoked_at is not None
    assert curator.post(submission_url(world, world.school), form_data({"students_total": 2}, version=1)).status_code \
        == 423
