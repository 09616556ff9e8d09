"""The scheduler job that builds and stores the federal forms of every frozen snapshot (exports.form_sets).

A snapshot is frozen when a municipal report is submitted, when the region consolidates, and by the scheduler
itself at the municipal and regional deadlines (drafts, made earlier in the same run); each new snapshot version
is queued as a set on the next run and built there. Organizations are told once per snapshot version that their
form is ready, only while the federal deadline (20 January) is ahead: a form stored later (a late snapshot of an
old campaign) is still built and listed, but nobody is told to file it "by" a date that has passed. The ledger row
(which records the silence too) and the notification share one transaction.
"""
import logging
import time
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from deadlines import messages
from deadlines.models import Campaign
from exports import form_sets
from exports.catalog import get_form
from exports.models import FormSet
from exports.sources import SnapshotUnit
from hierarchy.models import Level, Organization
from registry.core.clock import now_utc
from registry.extensions import db
from registry.notify.services import notify
from scheduler import pending
from scheduler.ledger import LedgerEntry

logger = logging.getLogger(__name__)
FORM_READY = "form-ready"


def build_federal_forms(now: datetime | None = None) -> int:
    """Queue a set for every new snapshot, rebuild missing files, build what is not stored; files stored now."""
    now = now or now_utc()
    budget = current_app.config.get("FORM_BUILD_BUDGET_SECONDS")
    stop_at = time.monotonic() + budget if budget else None
    definition = get_form()
    form_sets.discover(definition)
    form_sets.check_files(now)
    built = 0
    for form_set in form_sets.open_sets(definition):
        if stop_at is not None and time.monotonic() > stop_at:
            break  # the next run goes on from here
        set_id, announced = form_set.id, _announced(form_set)
        try:
            built += form_sets.build_set(form_set, definition, now,
                                         lambda s, unit, seen=announced: _tell_ready(s, unit, seen, now), stop_at)
        except Exception as exc:  # one unreadable snapshot must not stop the other sets; the operator sees why
            logger.exception("Federal form set %s could not be built", set_id)
            db.session.rollback()
            form_sets.record_failure(set_id, exc)
    return built


def _announced(form_set: FormSet) -> set[str]:
    return set(db.session.scalars(sa.select(LedgerEntry.unit_key).where(
        LedgerEntry.job == FORM_READY, LedgerEntry.campaign_id == form_set.campaign_id,
        LedgerEntry.kind == _kind(form_set))))


def _kind(form_set: FormSet) -> str:
    return f"snapshot:{form_set.snapshot_id}:{form_set.form_code}"[:64]


def _tell_ready(form_set: FormSet, unit: SnapshotUnit, announced: set[str], now: datetime) -> None:
    """Tell the organization's curators its form is stored, once per snapshot version; commits."""
    if unit.level is not Level.organization:
        return
    org = db.session.scalar(sa.select(Organization).where(Organization.code == unit.values.unit.code))
    key = pending.unit_key(org)
    if key in announced:
        return
    campaign = db.session.get(Campaign, form_set.campaign_id)
    overdue = now >= campaign.federal_deadline
    people = [] if overdue else pending.people_of(Level.organization, [org.id]).get(org.id, [])
    detail = {"recipients": len(people), "set_id": form_set.id, **({"skipped": "deadline_passed"} if overdue else {})}
    db.session.add(LedgerEntry(job=FORM_READY, campaign_id=campaign.id, unit_key=key, kind=_kind(form_set),
                               created_at=now, detail=detail))
    try:
        db.session.flush()
    except IntegrityError:  # told by another run
        db.session.rollback()
        announced.add(key)
        return
    if people:
        notify(people, messages.form_ready(campaign, org, form_set, now), now=now)
    db.session.commit()
    announced.add(key)
