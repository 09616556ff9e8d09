"""The words of scheduler notifications (Russian): subject, summary, e-mail template, link."""
from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app
from werkzeug.routing import BuildError

from deadlines.models import Campaign
from deadlines.windows import format_local, last_day_label
from hierarchy.models import Level, Municipality, Organization, Region
from registry.core.wording import days_left_text, zone_phrase
from registry.notify.services import Message

if TYPE_CHECKING:  # a type only: the calendar layer never imports monitoring at run time
    from monitoring.models import Snapshot

#: "what is due" per level, for subjects and bodies.
WHAT = {
    Level.organization: "отчёт организации о показателях наставничества",
    Level.municipality: "муниципальный отчёт",
    Level.region: "региональная сводка",
}
NOT_YET = {Level.organization: "ещё не отправлен", Level.municipality: "ещё не отправлен",
           Level.region: "ещё не сформирована"}
#: Heading of an escalation digest's list, per level of the overdue units.
OVERDUE_HEADING = {
    Level.organization: "Не отправили отчёт организации",
    Level.municipality: "Не отправили муниципальный отчёт",
    Level.region: "Не сформирована региональная сводка",
}


def path(endpoint: str, **values) -> str:
    """A site-relative URL built without a request (jobs run outside one)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _args(campaign: Campaign) -> dict:
    return {"region_code": campaign.region.code, "year": campaign.year}


def unit_link(campaign: Campaign, unit: Region | Municipality | Organization) -> str:
    """Where a unit acts on its own deadline."""
    if isinstance(unit, Organization):
        return path("submissions.submission_edit", org_code=unit.code, **_args(campaign))
    if isinstance(unit, Municipality):
        return path("reports.municipal_report_view", municipality_code=unit.code, **_args(campaign))
    return path("region.region_view", **_args(campaign))


def federal_form_link(campaign: Campaign, unit: Organization) -> str:
    """The organization's federal form page where the exports package serves one; the calendar otherwise."""
    try:
        return path("exports.federal_form_view", unit_code=unit.code, **_args(campaign))
    except BuildError:
        return path("calendar.calendar_view")


def _when(campaign: Campaign, deadline: datetime, now: datetime) -> dict:
    tz = campaign.region.timezone
    return {"last_day": last_day_label(deadline, tz), "closes_local": format_local(deadline, tz), "tz": tz,
            "zone": zone_phrase(tz), "days_left": days_left_text(deadline, tz, now), "year": campaign.year}


def reminder(campaign: Campaign, unit, deadline: datetime, now: datetime) -> Message:
    when = _when(campaign, deadline, now)
    what = WHAT[unit.level]
    summary = (f"{unit.name} ({unit.code}): {what} за {campaign.year} год {NOT_YET[unit.level]}. Срок — не позднее "
               f"{when['last_day']}, приём закроется {when['closes_local']} {when['zone']}; {when['days_left']}.")
    return Message(kind="reminder", subject=f"Напоминание: {what} — срок {when['last_day']} ({unit.name})",
                   summary=summary, template="reminder", link=unit_link(campaign, unit),
                   context={"unit": unit, "what": what, "not_yet": NOT_YET[unit.level], **when})


def federal_reminder(campaign: Campaign, unit: Organization, now: datetime) -> Message:
    when = _when(campaign, campaign.federal_deadline, now)
    summary = (f"{unit.name} ({unit.code}): подайте федеральную статистическую форму за {campaign.year} год не "
               f"позднее {when['last_day']} ({when['days_left']}).")
    return Message(kind="federal-reminder", subject=f"Федеральная форма: срок {when['last_day']} ({unit.name})",
                   summary=summary, template="federal_reminder", link=federal_form_link(campaign, unit),
                   context={"unit": unit, **when})


def escalation(campaign: Campaign, reviewer, level: Level, units: list, now: datetime) -> Message:
    when = _when(campaign, campaign.deadline_of(level), now)
    heading = OVERDUE_HEADING[level]
    names = ", ".join(f"{u.name} ({u.code})" for u in units[:10]) + (" и другие" if len(units) > 10 else "")
    summary = f"Срок «не позднее {when['last_day']}» прошёл. {heading}: {len(units)} — {names}."
    link = (path("review.submission_list", **_args(campaign)) if level is Level.organization
            else path("region.region_view", **_args(campaign)))
    return Message(kind="escalation", subject=f"Просрочено к {when['last_day']}: {len(units)} ({WHAT[level]})",
                   summary=summary, template="escalation", link=link,
                   context={"reviewer": reviewer, "units": units, "what": WHAT[level], "heading": heading,
                            "region": campaign.region, **when})


def regional_draft(campaign: Campaign, snapshot: "Snapshot", now: datetime) -> Message:
    when = _when(campaign, campaign.region_deadline, now)
    missing = snapshot.summary.get("missing", [])
    summary = (f"Срок региональной сводки ({when['last_day']}) наступил, а сводка не сформирована. Система "
               f"сформировала черновой срез (версия {snapshot.version}); не хватает: {len(missing)}.")
    subject = f"Черновой региональный срез {campaign.year} сформирован автоматически"
    return Message(kind="regional-draft", subject=subject,
                   summary=summary, template="regional_draft",
                   link=path("region.snapshot_view", snapshot_id=snapshot.id, **_args(campaign)),
                   context={"region": campaign.region, "snapshot": snapshot, "missing": missing, **when})


def municipal_draft(campaign: Campaign, municipality: Municipality, snapshot: "Snapshot", closed: datetime,
                    now: datetime) -> Message:
    """The scheduler froze a draft municipal snapshot when the municipality's window `closed` (the deadline, or its
    extension's end); the report is still not sent."""
    when = _when(campaign, closed, now)
    missing = snapshot.summary.get("missing", [])
    summary = (f"Срок муниципального отчёта ({municipality.name}, {when['last_day']}) наступил, а отчёт не отправлен. "
               f"Система сформировала черновой срез (версия {snapshot.version}); не хватает: {len(missing)}.")
    subject = f"Черновой муниципальный срез {campaign.year} ({municipality.name}) сформирован автоматически"
    return Message(kind="municipal-draft", subject=subject, summary=summary, template="municipal_draft",
                   link=path("region.snapshot_view", snapshot_id=snapshot.id, **_args(campaign)),
                   context={"region": campaign.region, "municipality": municipality, "snapshot": snapshot,
                            "missing": missing, **when})


def form_ready(campaign: Campaign, unit: Organization, form_set, now: datetime) -> Message:
    """The organization's federal form is stored (from a frozen snapshot) and is to be filed by 20 January."""
    when = _when(campaign, campaign.federal_deadline, now)
    frozen = format_local(form_set.frozen_at, campaign.region.timezone)
    summary = (f"{unit.name} ({unit.code}): форма федерального статистического наблюдения за {campaign.year} год "
               f"готова (срез версии {form_set.version} от {frozen}); сдать до {when['last_day']} "
               f"({when['days_left']}).")
    return Message(kind="form-ready", subject=f"Федеральная форма готова: сдать до {when['last_day']} ({unit.name})",
                   summary=summary, template="form_ready", link=federal_form_link(campaign, unit),
                   context={"unit": unit, "form_set": form_set, "frozen": frozen, **when})
