"""When scheduler work falls due, in the region's local time; pure functions of (deadline, zone, now)."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def last_day(deadline: datetime, tz: str) -> date:
    """The inclusive last local day of a window closing at `deadline` (a midnight close belongs to the day before)."""
    return (deadline.astimezone(ZoneInfo(tz)) - timedelta(seconds=1)).date()


def local_at(day: date, hour: int, tz: str) -> datetime:
    """`hour`:00 local on `day`, as UTC."""
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def reminder_at(deadline: datetime, offset_days: int, tz: str, hour: int) -> datetime:
    """A reminder "N days before" goes out at `hour` local on the day N days before the closing instant."""
    return local_at((deadline.astimezone(ZoneInfo(tz)) - timedelta(days=offset_days)).date(), hour, tz)


def due_reminder(deadline: datetime, offsets: tuple[int, ...], tz: str, hour: int, now: datetime) -> int | None:
    """The offset of the latest reminder point already reached, or None once the deadline has passed."""
    # after an outage several points may have passed: only the nearest is due (one reminder, not one per missed
    # offset); after the deadline a missed reminder could no longer help, so none is due
    if now >= deadline:
        return None
    reached = [o for o in offsets if reminder_at(deadline, o, tz, hour) <= now]
    return min(reached) if reached else None


def morning_after(deadline: datetime, tz: str, hour: int) -> datetime:
    """`hour`:00 local on the day after the window's last day: when the escalation digest goes out."""
    return local_at(last_day(deadline, tz) + timedelta(days=1), hour, tz)


def within_catchup(due_at: datetime, now: datetime, days: int) -> bool:
    """Due and not yet stale: work missed for longer than `days` (scheduler down) is skipped, not done late."""
    return due_at <= now < due_at + timedelta(days=days)


def days_left(deadline: datetime, tz: str, now: datetime) -> int:
    """Whole local calendar days from today to the window's last day (0: today is the last day)."""
    return (last_day(deadline, tz) - now.astimezone(ZoneInfo(tz)).date()).days
