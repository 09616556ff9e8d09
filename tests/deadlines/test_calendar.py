"""Deadlines are local to the region: «не позднее 1 ноября» closes at 2 November 00:00 local time."""
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from deadlines import extension_grants
from deadlines.models import Campaign
from deadlines.windows import closes_after, default_deadlines, format_local, is_open, last_day_label, require_open
from hierarchy.models import Level
from registry.core.errors import InvalidTransition, ValidationFailed, WindowClosed
from registry.extensions import db
from tests import factories


def test_khabarovsk_municipal_deadline_closes_at_local_midnight():
    deadlines = default_deadlines(2026, "Asia/Vladivostok")
    # 2 November 00:00 at UTC+10 is 1 November 14:00 UTC
    assert deadlines["municipality_deadline"] == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)
    assert deadlines["organization_deadline"] == datetime(2026, 10, 20, 14, 0, tzinfo=UTC)
    assert deadlines["region_deadline"] == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert deadlines["federal_deadline"] == datetime(2027, 1, 20, 14, 0, tzinfo=UTC)


def test_kamchatka_is_twelve_hours_ahead():
    assert closes_after(date(2026, 10, 20), "Asia/Kamchatka") == datetime(2026, 10, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("tz", "offset_hours"), [("Asia/Vladivostok", 10), ("Asia/Kamchatka", 12)])
def test_window_open_one_second_before_local_midnight_closed_at_it(world, tz, offset_hours):
    world.region.timezone = tz
    campaign = world.campaign
    campaign.organization_deadline = closes_after(date(factories.YEAR, 10, 20), tz)
    local_midnight_utc = datetime(factories.YEAR, 10, 21, tzinfo=UTC) - timedelta(hours=offset_hours)
    assert campaign.organization_deadline == local_midnight_utc
    org = world.school.id
    assert is_open(campaign, Level.organization, org, local_midnight_utc - timedelta(seconds=1))
    assert not is_open(campaign, Level.organization, org, local_midnight_utc)


def test_closed_window_message_names_local_deadline_and_who_extends(world):
    campaign = world.campaign
    after = campaign.organization_deadline + timedelta(seconds=1)
    with pytest.raises(WindowClosed) as err:
        require_open(campaign, Level.organization, world.school.id, after)
    message = err.value.message
    assert f"не позднее 20 октября {factories.YEAR} г." in message
    assert f"21 октября {factories.YEAR} г., 00:00" in message
    assert "по времени Владивостока" in message and "Asia/" not in message
    assert "Продление может предоставить" in message
    assert err.value.status == 423


def test_extension_keeps_one_unit_open_until_revoked(world):
    campaign = world.campaign
    now = campaign.organization_deadline + timedelta(days=1)
    ext = extension_grants.grant(campaign, world.school, now + timedelta(days=3), "Болезнь куратора",
                           actor=world.khv_official, now=now)
    assert is_open(campaign, Level.organization, world.school.id, now)
    assert not is_open(campaign, Level.organization, world.dod.id, now)  # only that unit
    assert not is_open(campaign, Level.organization, world.school.id, now + timedelta(days=3))  # expired
    extension_grants.revoke(ext, actor=world.khv_official, now=now)
    assert not is_open(campaign, Level.organization, world.school.id, now)


def test_extension_needs_reason_and_future_date(world):
    now = datetime.now(UTC)
    with pytest.raises(ValidationFailed) as err:
        extension_grants.grant(world.campaign, world.school, now - timedelta(days=1), " ",
                               actor=world.khv_official, now=now)
    assert set(err.value.fields) == {"until", "reason"}


# --- every level, two far-eastern zones: one second before local midnight is open, the midnight itself closed ---

ZONES = [("Asia/Vladivostok", 10), ("Asia/Kamchatka", 12)]
LEVEL_DAYS = [(Level.organization, "organization_deadline", 10, 20),
              (Level.municipality, "municipality_deadline", 11, 1),
              (Level.region, "region_deadline", 12, 1)]


def _unit_id(world, level):
    return {Level.organization: world.school.id, Level.municipality: world.khv.id, Level.region: world.region.id}[level]


@pytest.mark.parametrize(("tz", "offset_hours"), ZONES)
@pytest.mark.parametrize(("level", "attr", "month", "day"), LEVEL_DAYS)
def test_every_level_closes_at_local_midnight(world, tz, offset_hours, level, attr, month, day):
    world.region.timezone = tz
    campaign = world.campaign
    setattr(campaign, attr, default_deadlines(factories.YEAR, tz)[attr])
    midnight = datetime(factories.YEAR, month, day, tzinfo=UTC) + timedelta(days=1) - timedelta(hours=offset_hours)
    assert campaign.deadline_of(level) == midnight
    unit = _unit_id(world, level)
    assert is_open(campaign, level, unit, midnight - timedelta(seconds=1))
    assert not is_open(campaign, level, unit, midnight)
    assert not is_open(campaign, level, unit, midnight + timedelta(seconds=1))


def test_kamchatka_message_names_its_own_zone_and_local_midnight(world):
    world.region.timezone = "Asia/Kamchatka"
    campaign = world.campaign
    campaign.municipality_deadline = closes_after(date(factories.YEAR, 11, 1), "Asia/Kamchatka")
    with pytest.raises(WindowClosed) as err:
        require_open(campaign, Level.municipality, world.khv.id, campaign.municipality_deadline)
    assert err.value.message == (
        f"Приём данных муниципалитетов закрыт ({world.khv.name}): срок — не позднее 1 ноября {factories.YEAR} г. "
        "(окно закрылось "
        f"2 ноября {factories.YEAR} г., 00:00 по времени Камчатки). "
        "Продление может предоставить региональный оператор.")


def test_federal_deadline_is_20_january_of_the_next_year_and_the_forum_25_december():
    calendar = default_deadlines(2026, "Asia/Kamchatka")
    assert calendar["federal_deadline"] == datetime(2027, 1, 20, 12, 0, tzinfo=UTC)  # 21 January 00:00 at UTC+12
    assert calendar["forum_at"] == datetime(2026, 12, 24, 22, 0, tzinfo=UTC)  # 25 December 10:00 local


# --- extensions: grant, expiry, revoke, scope ---

def test_extension_expires_exactly_at_its_until(world):
    campaign = world.campaign
    now = campaign.organization_deadline + timedelta(hours=1)
    until = now + timedelta(days=2)
    extension_grants.grant(campaign, world.school, until, "Карантин", actor=world.khv_official, now=now)
    assert is_open(campaign, Level.organization, world.school.id, until - timedelta(seconds=1))
    assert not is_open(campaign, Level.organization, world.school.id, until)


def test_revoked_extension_cannot_be_revoked_again(world):
    campaign = world.campaign
    now = campaign.organization_deadline + timedelta(hours=1)
    ext = extension_grants.grant(campaign, world.school, now + timedelta(days=1), "Карантин", actor=world.khv_official,
                           now=now)
    extension_grants.revoke(ext, actor=world.khv_official, now=now)
    with pytest.raises(InvalidTransition):
        extension_grants.revoke(ext, actor=world.khv_official, now=now)


def test_extension_opens_only_its_unit_level_and_campaign(world):
    """An organization's extension leaves its municipality's window closed and other regions' campaigns untouched;
    a municipality's extension does not reopen its organizations."""
    campaign = world.campaign
    now = campaign.municipality_deadline + timedelta(hours=1)
    extension_grants.grant(campaign, world.school, now + timedelta(days=3), "Карантин", actor=world.operator, now=now)
    extension_grants.grant(campaign, world.khv, now + timedelta(days=3), "Паводок", actor=world.operator, now=now)
    assert is_open(campaign, Level.organization, world.school.id, now)
    assert not is_open(campaign, Level.organization, world.dod.id, now)  # same municipality, not extended
    assert is_open(campaign, Level.municipality, world.khv.id, now)
    assert not is_open(campaign, Level.municipality, world.van.id, now)
    assert not is_open(campaign, Level.region, world.region.id, campaign.region_deadline)
    other = db.session.scalar(sa.select(Campaign).where(Campaign.region_id == world.other_region.id))
    assert not is_open(other, Level.organization, world.school.id, now)


def test_who_may_grant_is_scoped(world, api_as):
    """A municipality extends its own organizations only; the region its municipalities; only an admin the region."""
    base = f"/api/v1/regions/27/campaigns/{factories.YEAR}/extensions"
    until = (datetime.now(UTC) + timedelta(days=2)).isoformat()

    def grant(user, code):
        return api_as(user).post(base, json={"unit_code": code, "until": until, "reason": "Причина"}).status_code

    assert grant(world.van_official, "27-KHV-S1") == 403
    assert grant(world.khv_official, "27-R-VMK") == 403  # the college reports to the region
    assert grant(world.khv_official, "27-KHV") == 403  # not its own municipality
    assert grant(world.curator, "27-KHV-S1") == 403
    assert grant(world.operator, "27") == 403
    assert grant(world.other_operator, "27-KHV-S1") in (403, 404)
    assert grant(world.khv_official, "27-KHV-S1") == 201
    assert grant(world.operator, "27-VAN") == 201
    assert grant(world.admin, "27") == 201


def test_423_over_the_api_names_the_municipal_deadline(world, api_as):
    campaign = world.campaign
    campaign.municipality_deadline = datetime.now(UTC) - timedelta(minutes=1)
    campaign.organization_deadline = campaign.municipality_deadline - timedelta(days=1)
    db.session.commit()
    tz = "Asia/Vladivostok"
    response = api_as(world.khv_official).post(
        f"/api/v1/regions/27/campaigns/{factories.YEAR}/municipalities/27-KHV/report/submit")
    assert response.status_code == 423
    error = response.get_json()["error"]
    assert error["code"] == "window_closed"
    assert error["message"] == (
        f"Приём данных муниципалитетов закрыт ({world.khv.name}): срок — не позднее "
        f"{last_day_label(campaign.municipality_deadline, tz)} (окно закрылось "
        f"{format_local(campaign.municipality_deadline, tz)} по времени Владивостока). "
        "Продление может предоставить региональный оператор.")
