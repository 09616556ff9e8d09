"""The automatic extension a unit gets when its report is returned after its window closed.

Without it a report returned late could never be fixed («приём закрыт»). The number of days is the campaign's
`late_return_days`; the extension is an ordinary Extension (audited as «extension.granted», revocable) ending at
the local midnight after the last day, like every deadline (PRODUCT.md §3).
"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deadlines import extension_grants
from deadlines.models import Campaign, Extension
from deadlines.windows import active_extension, closes_after, last_day_label
from hierarchy.models import Municipality, Organization
from registry.auth.models import User

REASON = "Автоматически: отчёт возвращён на доработку после срока ({days} дн. на исправление)."


def needed(campaign: Campaign, unit: Municipality | Organization, now: datetime) -> bool:
    """True when a return now would leave the unit no open window to fix its report."""
    return now >= campaign.deadline_of(unit.level) and active_extension(campaign, unit.level, unit.id, now) is None


def new_end(campaign: Campaign, now: datetime) -> datetime:
    """Where an extension granted now ends: after `late_return_days` full local days from today."""
    tz = campaign.region.timezone
    today = now.astimezone(ZoneInfo(tz)).date()
    return closes_after(today + timedelta(days=campaign.late_return_days), tz)


def notice(campaign: Campaign, unit: Municipality | Organization, now: datetime) -> str | None:
    """What the return dialog says before the click; None when the unit's window is still open."""
    if not needed(campaign, unit, now):
        return None
    last_day = last_day_label(new_end(campaign, now), campaign.region.timezone)
    return (f"Срок «{unit.name}» уже прошёл. При возврате будет автоматически предоставлено продление "
            f"на {campaign.late_return_days} дн. — до {last_day} включительно, чтобы отчёт можно было исправить "
            "и отправить снова.")


def grant_on_return(campaign: Campaign, unit: Municipality | Organization, *, actor: User,
                    now: datetime) -> Extension | None:
    """Grant the automatic extension if the unit's window is closed; None if it is still open. Caller commits."""
    if not needed(campaign, unit, now):
        return None
    return extension_grants.grant(campaign, unit, new_end(campaign, now), REASON.format(days=campaign.late_return_days),
                            actor=actor, now=now)


def extension_note(campaign: Campaign, extension: Extension | None) -> str | None:
    """The sentence telling the returned unit its new date, when the return granted an extension."""
    if extension is None:
        return None
    last_day = last_day_label(extension.until, campaign.region.timezone)
    return f"Срок продлён автоматически: исправьте и отправьте отчёт не позднее {last_day} включительно."
