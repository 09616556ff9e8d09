"""Granting and revoking extensions (lock exceptions). The caller checks the granter's scope and commits."""
from datetime import datetime

from deadlines.models import Campaign, Extension
from hierarchy.models import Municipality, Organization, Region
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.core.errors import InvalidTransition, ValidationFailed
from registry.extensions import db


def grant(campaign: Campaign, unit: Region | Municipality | Organization, until: datetime, reason: str, *,
          actor: User, now: datetime | None = None) -> Extension:
    """Keep one unit's window open until `until`. Caller commits."""
    now = now or now_utc()
    errors = {}
    if until.tzinfo is None:
        errors["until"] = ["Укажите дату и время с часовым поясом (ISO-8601)."]
    elif until <= now:
        errors["until"] = ["Продление должно заканчиваться в будущем."]
    if not (reason or "").strip():
        errors["reason"] = ["Укажите причину продления."]
    if errors:
        raise ValidationFailed("Продление не предоставлено: исправьте ошибки.", errors)
    extension = Extension(campaign_id=campaign.id, level=unit.level, unit_id=unit.id, until=until,
                          reason=reason.strip(), granted_by_id=actor.id, created_at=now)
    db.session.add(extension)
    db.session.flush()
    log_action(actor, "extension.granted", "extension", f"{campaign.year}/{unit.code}",
               after={"until": until.isoformat(), "id": extension.id}, comment=reason.strip())
    return extension


def revoke(extension: Extension, *, actor: User, now: datetime | None = None) -> None:
    now = now or now_utc()
    if extension.revoked_at is not None:
        raise InvalidTransition("Продление уже отозвано.")
    extension.revoked_at, extension.revoked_by_id = now, actor.id
    db.session.flush()
    log_action(actor, "extension.revoked", "extension", str(extension.id))
