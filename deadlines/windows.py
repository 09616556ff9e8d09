"""Default calendar and window openness, computed from timestamps at request time (PRODUCT.md §3)."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_datetime

from deadlines.models import Campaign, Extension
from hierarchy.models import Level, Municipality, Organization, Region
from registry.core.errors import WindowClosed
from registry.core.wording import zone_phrase
from registry.extensions import db

LEVEL_LABELS = {
    Level.organization: "организаций",
    Level.municipality: "муниципалитетов",
    Level.region: "региона",
}
#: Who may grant an extension to a unit of each level.
GRANTED_BY = {
    Level.organization: "орган, проверяющий отчёт организации (муниципалитет или региональный оператор)",
    Level.municipality: "региональный оператор",
    Level.region: "администратор системы",
}

_MODELS = {Level.organization: Organization, Level.municipality: Municipality, Level.region: Region}


def closes_after(day: date, tz: str) -> datetime:
    """Return the instant a "no later than `day`" window closes: the next local midnight, in UTC."""
    local_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(tz))
    return local_midnight.astimezone(ZoneInfo("UTC"))


def default_deadlines(year: int, tz: str) -> dict[str, datetime]:
    """The default calendar of PRODUCT.md §3 for a campaign year, in the region's time zone."""
    return {
        "organization_deadline": closes_after(date(year, 10, 20), tz),
        "municipality_deadline": closes_after(date(year, 11, 1), tz),
        "region_deadline": closes_after(date(year, 12, 1), tz),
        "federal_deadline": closes_after(date(year + 1, 1, 20), tz),
        "forum_at": datetime.combine(date(year, 12, 25), time(10), tzinfo=ZoneInfo(tz)).astimezone(ZoneInfo("UTC")),
    }


def active_extension(campaign: Campaign, level: Level, unit_id: int, now: datetime) -> Extension | None:
    """The latest-ending active extension for a unit, if any."""
    return db.session.scalars(
        sa.select(Extension).where(
            Extension.campaign_id == campaign.id, Extension.level == level, Extension.unit_id == unit_id,
            Extension.revoked_at.is_(None), Extension.until > now,
        ).order_by(Extension.until.desc()).limit(1)
    ).first()


def is_open(campaign: Campaign, level: Level, unit_id: int, now: datetime) -> bool:
    """True while the unit may still write at that level: before the deadline or under an extension."""
    return now < campaign.deadline_of(level) or active_extension(campaign, level, unit_id, now) is not None


def format_local(instant: datetime, tz: str) -> str:
    """Russian local date and time, e.g. «21 окт. 2026 г., 00:00»."""
    return format_datetime(instant, "d MMMM y 'г.', HH:mm", tzinfo=ZoneInfo(tz), locale="ru")


def last_day_label(instant: datetime, tz: str) -> str:
    """The inclusive last day of a window that closes at `instant` («20 октября 2026 г.»)."""
    last = (instant.astimezone(ZoneInfo(tz)) - timedelta(seconds=1))
    return format_datetime(last, "d MMMM y 'г.'", tzinfo=ZoneInfo(tz), locale="ru")


def require_open(campaign: Campaign, level: Level, unit_id: int, now: datetime) -> None:
    """Raise WindowClosed (423) naming the deadline in local time and who can extend it."""
    if is_open(campaign, level, unit_id, now):
        return
    tz = campaign.region.timezone
    deadline = campaign.deadline_of(level)
    unit = db.session.get(_MODELS[level], unit_id)
    whose = f" ({unit.name})" if unit is not None else ""
    raise WindowClosed(
        f"Приём данных {LEVEL_LABELS[level]} закрыт{whose}: срок — не позднее {last_day_label(deadline, tz)} "
        f"(окно закрылось {format_local(deadline, tz)} {zone_phrase(tz)}). "
        f"Продление может предоставить {GRANTED_BY[level]}."
    )
