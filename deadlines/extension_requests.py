"""The regional operator's one-click request to the administrator to extend the region's closed window.

After the regional deadline (1 December) the region can neither accept municipal reports nor consolidate; only the
administrator may extend the region (deadlines.windows.GRANTED_BY). The request notifies every administrator
once per closed window (a repeated click tells nobody twice) and is audited.
"""
from datetime import datetime

import sqlalchemy as sa

from deadlines.messages import path
from deadlines.models import Campaign, Extension
from deadlines.windows import is_open, last_day_label
from hierarchy.models import Level
from registry.auth.models import Role, User
from registry.core.audit import log_action
from registry.core.errors import InvalidTransition
from registry.extensions import db
from registry.notify.services import Message, notify


def closed_since(campaign: Campaign) -> datetime:
    """When the region's window closed: its deadline or the end of its latest extension."""
    latest = db.session.scalar(sa.select(sa.func.max(Extension.until)).where(
        Extension.campaign_id == campaign.id, Extension.level == Level.region,
        Extension.unit_id == campaign.region_id, Extension.revoked_at.is_(None)))
    deadline = campaign.deadline_of(Level.region)
    return max(deadline, latest.replace(tzinfo=deadline.tzinfo) if latest else deadline)


def request_region_extension(campaign: Campaign, *, actor: User, now: datetime) -> int:
    """Ask every administrator to extend the region; returns how many were told now (0: already asked)."""
    if is_open(campaign, Level.region, campaign.region_id, now):
        raise InvalidTransition("Срок региона ещё не прошёл: продление не нужно.")
    region, tz = campaign.region, campaign.region.timezone
    admins = list(db.session.scalars(sa.select(User).where(User.role == Role.admin, User.is_enabled.is_(True))))
    text = (f"Региональный оператор {actor.full_name or actor.email} просит продлить срок региона «{region.name}» "
            f"за {campaign.year} год: срок прошёл {last_day_label(campaign.region_deadline, tz)}, и регион не может "
            "принимать муниципальные отчёты и консолидировать данные. Продлить можно на странице «Продления».")
    message = Message(kind="extension-request", subject=f"Просьба продлить срок региона: {region.name}",
                      summary=text, template="workflow", context={"text": text},
                      link=path("membership.extension_list", region_code=region.code, year=campaign.year),
                      cause_key=f"extension-request:{campaign.id}:{closed_since(campaign).isoformat()}")
    told = notify(admins, message, now=now)
    if told:
        log_action(actor, "extension.requested", "campaign", f"{region.code}/{campaign.year}",
                   after={"admins_notified": told})
    return told
