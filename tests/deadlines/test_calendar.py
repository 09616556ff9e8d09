"""Deadlines are local to the region: «не позднее 1 ноября» closes at 2 November 00:00 local time."""
from datetime import UTC, date, datetime, timedelta

import pytest

from deadlines import extensions
from deadlines.calendar import closes_after, default_deadlines, is_open, require_open
from hierarchy.models import Level
from registry.core.errors import ValidationFailed, WindowClosed
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
    assert "Asia/Vladivostok" in message
    assert "Продление может предоставить" in message
    assert err.value.status == 423


def test_extension_keeps_one_unit_open_until_revoked(world):
    campaign = world.campaign
    now = campaign.organization_deadline + timedelta(days=1)
    ext = extensions.grant(campaign, world.school, now + timedelta(days=3), "Болезнь куратора",
                           actor=world.khv_official, now=now)
    assert is_open(campaign, Level.organization, world.school.id, now)
    assert not is_open(campaign, Level.organization, world.dod.id, now)  # only that unit
    assert not is_open(campaign, Level.organization, world.school.id, now + timedelta(days=3))  # expired
    extensions.revoke(ext, actor=world.khv_official, now=now)
    assert not is_open(campaign, Level.organization, world.school.id, now)


def test_extension_needs_reason_and_future_date(world):
    now = datetime.now(UTC)
    with pytest.raises(ValidationFailed) as err:
        extensions.grant(world.campaign, world.school, now - timedelta(days=1), " ", actor=world.khv_official, now=now)
    assert set(err.value.fields) == {"until", "reason"}
