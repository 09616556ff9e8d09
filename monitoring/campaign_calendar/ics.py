"""The iCalendar (RFC 5545) rendering of a user's events, for calendar apps subscribing to the feed."""
from datetime import datetime, timedelta

from icalendar import Calendar
from icalendar import Event as IcsEvent

from deadlines.windows import format_local, last_day_label
from monitoring.campaign_calendar.upcoming import Event
from registry.core.wording import zone_phrase
from registry.notify.services import absolute

PRODID = "-//Региональный реестр наставничества//Календарь сроков//RU"


def _description(event: Event) -> str:
    if not event.is_deadline:
        return f"{event.unit_name}. Начало: {format_local(event.at, event.tz)} {zone_phrase(event.tz)}."
    lines = [f"{event.unit_name}. Срок — не позднее {last_day_label(event.closes_at, event.tz)}; приём закрывается "
             f"{format_local(event.closes_at, event.tz)} {zone_phrase(event.tz)}."]
    if event.closes_at != event.at:
        lines.append(f"Срок продлён; общий срок — {format_local(event.at, event.tz)}.")
    if event.state:
        lines.append(f"Состояние: {event.state}.")
    if event.link:
        lines.append(absolute(event.link))
    return "\n".join(lines)


def render_ics(events: list[Event], *, now: datetime, name: str) -> bytes:
    """Deadlines as all-day events on their last day (the day is what «не позднее» names); the forum at its time."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        item = IcsEvent()
        item.add("uid", event.uid)
        item.add("dtstamp", now)
        item.add("summary", f"{event.title}: {event.unit_name}" if event.is_deadline else event.title)
        if event.is_deadline:
            item.add("dtstart", event.last_day)
            item.add("dtend", event.last_day + timedelta(days=1))
            item.add("transp", "TRANSPARENT")
        else:
            item.add("dtstart", event.at)
        item.add("description", _description(event))
        if event.link:
            item.add("url", absolute(event.link))
        calendar.add_component(item)
    return calendar.to_ical()
