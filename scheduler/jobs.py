"""Scheduler jobs: idempotent scanners taking `now`, returning how many side effects they produced.

Each side effect (a reminder to one unit, a digest to one reviewer, an automatic snapshot) is recorded in the
ledger under a unique key (job, campaign, unit, kind) in the same transaction as the notifications it writes,
so re-runs, overlapping runs and restarts never act twice. Work is found from our tables and the clock alone,
so a run after an outage catches up by itself. `run_due(now)` runs them all: the scheduler process and
`flask deadlines tick --at` share it.
"""
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from deadlines import due, messages
from deadlines.models import Campaign
from hierarchy.models import Level
from monitoring import snapshots
from monitoring.models import Snapshot
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.extensions import db
from registry.notify.mail import deliver_outbox
from registry.notify.services import Message, notify
from scheduler import pending
from scheduler.form_jobs import build_federal_forms
from scheduler.ledger import LedgerEntry
from scheduler.mentor_reminders import remind_mentors
from scheduler.public_copies import recompute_public_copies
from scheduler.retention import purge_expired_uploads, purge_old_jobs

logger = logging.getLogger(__name__)

REMINDER, FEDERAL_REMINDER, ESCALATION = "reminder", "federal-reminder", "escalation"
REGIONAL_DRAFT, MUNICIPAL_DRAFT = "regional-draft", "municipal-draft"


def _campaigns() -> list[Campaign]:
    return list(db.session.scalars(sa.select(Campaign).options(joinedload(Campaign.region)).order_by(Campaign.id)))


def _kind(what: str, campaign: Campaign, deadline: datetime) -> str:
    """A ledger kind naming the deadline it was for, so a moved deadline gets its own reminders and digest."""
    return f"{what}:{due.last_day(deadline, campaign.region.timezone).isoformat()}"


def _done(job: str, campaign: Campaign, kind: str) -> set[str]:
    return set(db.session.scalars(sa.select(LedgerEntry.unit_key).where(
        LedgerEntry.job == job, LedgerEntry.campaign_id == campaign.id, LedgerEntry.kind == kind)))


def _record(job: str, campaign: Campaign, unit_key: str, kind: str, now: datetime, detail: dict) -> LedgerEntry | None:
    """Add the ledger row; None if another run recorded it first (the unique key is the guard)."""
    entry = LedgerEntry(job=job, campaign_id=campaign.id, unit_key=unit_key, kind=kind, created_at=now, detail=detail)
    db.session.add(entry)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return None
    return entry


def _once(job: str, campaign: Campaign, unit_key: str, kind: str, now: datetime, recipients: list[User],
          message: Message | None, detail: dict | None = None) -> int:
    """Record one side effect and notify its recipients in one transaction; 1 if it happened now, 0 if done before."""
    entry = _record(job, campaign, unit_key, kind, now, {"recipients": len(recipients), **(detail or {})})
    if entry is None:
        return 0
    if message is not None:
        notify(recipients, message, now=now)
    db.session.commit()
    return 1


def _per_unit(job: str, campaign: Campaign, kind: str, level: Level, units: Iterable, now: datetime,
              build: Callable[..., Message]) -> int:
    done = _done(job, campaign, kind)
    todo = [unit for unit in units if pending.unit_key(unit) not in done]
    people = pending.people_of(level, [unit.id for unit in todo])
    return sum(_once(job, campaign, pending.unit_key(unit), kind, now, people.get(unit.id, []), build(unit))
               for unit in todo)


def _settings() -> tuple[tuple[int, ...], int, int]:
    config = current_app.config
    return tuple(config["REMINDER_OFFSETS_DAYS"]), config["NOTIFY_LOCAL_HOUR"], config["SCHEDULER_CATCHUP_DAYS"]


def send_reminders(now: datetime | None = None) -> int:
    """Remind organizations, municipalities and the region that have not submitted, before each deadline."""
    now = now or now_utc()
    offsets, hour, _ = _settings()
    sent = 0
    for campaign in _campaigns():
        tz = campaign.region.timezone
        for level, units in ((Level.organization, pending.unsubmitted_organizations),
                             (Level.municipality, pending.unsubmitted_municipalities),
                             (Level.region, _unconsolidated_region)):
            deadline = campaign.deadline_of(level)
            offset = due.due_reminder(deadline, offsets, tz, hour, now)
            if offset is None:
                continue
            kind = _kind(f"{level.value}-{offset}d", campaign, deadline)
            sent += _per_unit(REMINDER, campaign, kind, level, units(campaign), now,
                              lambda unit, c=campaign, d=deadline: messages.reminder(c, unit, d, now))
    return sent


def _unconsolidated_region(campaign: Campaign) -> list:
    return [] if pending.region_consolidated(campaign) else [campaign.region]


def remind_federal_forms(now: datetime | None = None) -> int:
    """Before the federal deadline (20 January), remind every member organization to file its federal form."""
    now = now or now_utc()
    offsets, hour, _ = _settings()
    sent = 0
    for campaign in _campaigns():
        deadline = campaign.federal_deadline
        offset = due.due_reminder(deadline, offsets, campaign.region.timezone, hour, now)
        if offset is not None:
            sent += _per_unit(FEDERAL_REMINDER, campaign, _kind(f"federal-{offset}d", campaign, deadline),
                              Level.organization, pending.member_organizations(campaign), now,
                              lambda unit, c=campaign: messages.federal_reminder(c, unit, now))
    return sent


def send_escalations(now: datetime | None = None) -> int:
    """The morning after a deadline, send the level above a digest of the units that are overdue."""
    now = now or now_utc()
    _, hour, catchup = _settings()
    sent = 0
    for campaign in _campaigns():
        tz, region = campaign.region.timezone, campaign.region
        if due.within_catchup(due.morning_after(campaign.organization_deadline, tz, hour), now, catchup):
            overdue = pending.overdue_organizations(campaign, now)
            reviewers = [(m, Level.municipality, overdue.get(m.id, [])) for m in region.municipalities]
            reviewers.append((region, Level.region, overdue.get(None, [])))
            sent += sum(_digest(campaign, reviewer, level, Level.organization, units, now)
                        for reviewer, level, units in reviewers)
        if due.within_catchup(due.morning_after(campaign.municipality_deadline, tz, hour), now, catchup):
            sent += _digest(campaign, region, Level.region, Level.municipality,
                            pending.overdue_municipalities(campaign, now), now)
        if (due.within_catchup(due.morning_after(campaign.region_deadline, tz, hour), now, catchup)
                and not pending.region_consolidated(campaign) and not pending.region_extended(campaign, now)):
            sent += _digest(campaign, None, None, Level.region, [region], now)
    return sent


def _digest(campaign: Campaign, reviewer, reviewer_level: Level | None, level: Level, units: list,
            now: datetime) -> int:
    """One digest per reviewer and level, decided once: with nothing overdue the row records that, nobody is told."""
    key = pending.unit_key(reviewer) if reviewer is not None else "system"
    kind = _kind(level.value, campaign, campaign.deadline_of(level))
    if key in _done(ESCALATION, campaign, kind):
        return 0
    if not units:
        return _once(ESCALATION, campaign, key, kind, now, [], None, {"overdue": 0})
    people = (pending.people_of(reviewer_level, [reviewer.id]).get(reviewer.id, []) if reviewer is not None
              else pending.admins())
    return _once(ESCALATION, campaign, key, kind, now, people,
                 messages.escalation(campaign, reviewer, level, units, now),
                 {"overdue": len(units), "units": [u.code for u in units]})


def draft_regional_snapshots(now: datetime | None = None) -> int:
    """At the regional deadline, freeze a draft regional snapshot with its missing list if nobody consolidated."""
    now = now or now_utc()
    _, _, catchup = _settings()
    made = 0
    for campaign in _campaigns():
        if not due.within_catchup(campaign.region_deadline, now, catchup) or pending.region_consolidated(campaign):
            continue
        region = campaign.region
        if pending.unit_key(region) in _done(REGIONAL_DRAFT, campaign, _kind("snapshot", campaign,
                                                                             campaign.region_deadline)):
            continue
        made += _draft(REGIONAL_DRAFT, campaign, region, campaign.region_deadline, now,
                       lambda c=campaign: snapshots.freeze_region(c, actor=None, now=now, automatic=True),
                       pending.people_of(Level.region, [region.id]).get(region.id, []),
                       lambda snapshot, c=campaign: messages.regional_draft(c, snapshot, now),
                       ("campaign.draft_snapshot", "campaign", f"{region.code}/{campaign.year}"))
    return made


def draft_municipal_snapshots(now: datetime | None = None) -> int:
    """When a municipality's window closes (the deadline, or its extension's end), freeze a draft snapshot if its
    report is not sent; the report keeps its status (only a person submits it). Its officials and the region's
    operators are told."""
    now = now or now_utc()
    _, _, catchup = _settings()
    made = 0
    for campaign in _campaigns():
        if now < campaign.municipality_deadline:
            continue
        done = _done(MUNICIPAL_DRAFT, campaign, _kind("snapshot", campaign, campaign.municipality_deadline))
        unsent = [m for m in pending.unsubmitted_municipalities(campaign) if pending.unit_key(m) not in done]
        # an extended municipality gets its draft when its own window closes, not at the general deadline
        closes = pending.municipal_closings(campaign, unsent)
        todo = [m for m in unsent if due.within_catchup(closes[m.id], now, catchup)]
        if not todo:
            continue
        officials = pending.people_of(Level.municipality, [m.id for m in todo])
        operators = pending.people_of(Level.region, [campaign.region_id]).get(campaign.region_id, [])
        for municipality in todo:
            made += _draft(
                MUNICIPAL_DRAFT, campaign, municipality, campaign.municipality_deadline, now,
                lambda c=campaign, m=municipality: snapshots.freeze_municipal(c, m, actor=None, now=now,
                                                                              automatic=True),
                officials.get(municipality.id, []) + operators,
                lambda snapshot, c=campaign, m=municipality, closed=closes[municipality.id]: messages.municipal_draft(
                    c, m, snapshot, closed, now),
                ("municipal_report.draft_snapshot", "municipal_report", f"{campaign.year}/{municipality.code}"))
    return made


def _draft(job: str, campaign: Campaign, unit, deadline: datetime, now: datetime, freeze: Callable[[], Snapshot],
           people: list[User], message: Callable[[Snapshot], Message], audit: tuple[str, str, str]) -> int:
    """Freeze one automatic draft snapshot for `unit` at `deadline`, once: ledger row, snapshot, audit entry and
    notifications in one transaction; 1 if made now, 0 if another run made it."""
    entry = _record(job, campaign, pending.unit_key(unit), _kind("snapshot", campaign, deadline), now, {})
    if entry is None:
        return 0
    snapshot = freeze()
    missing = len(snapshot.summary["missing"])
    entry.detail = {"snapshot_id": snapshot.id, "missing": missing, "recipients": len(people)}
    action, target_type, target_id = audit
    log_action(None, action, target_type, target_id,
               after={"snapshot_id": snapshot.id, "snapshot_version": snapshot.version, "missing": missing})
    notify(people, message(snapshot), now=now)
    db.session.commit()
    return 1


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[..., int]


JOBS = (
    Job("reminders", send_reminders),
    Job("federal-reminders", remind_federal_forms),
    Job("escalations", send_escalations),
    Job("mentor-reminders", remind_mentors),
    Job("municipal-drafts", draft_municipal_snapshots),
    Job("regional-drafts", draft_regional_snapshots),
    Job("federal-forms", build_federal_forms),  # after the drafts: a draft made in this run is built in it too
    Job("job-retention", purge_old_jobs),
    Job("expired-uploads", purge_expired_uploads),
    Job("public-copies", recompute_public_copies),
)


class JobsFailed(RuntimeError):
    """Some jobs raised; the others still ran (their work is committed)."""


def run_due(now: datetime | None = None, still_leading: Callable[[], bool] | None = None) -> dict[str, int]:
    """Run every job due up to `now`, then deliver the outbox. One job failing does not stop the others.

    The scheduler passes `still_leading` (renews its lease): asked before each job and before the outbox, a False
    ends the run there, so a leader that lost its lease to a standby does not go on beside it."""
    now = now or now_utc()
    counts: dict[str, int] = {}
    failed = []
    for job in JOBS:
        if still_leading is not None and not still_leading():
            return counts
        try:
            counts[job.name] = job.func(now=now)
        except Exception:
            logger.exception("scheduler job %s failed at %s", job.name, now.isoformat())
            db.session.rollback()
            failed.append(job.name)
    if still_leading is not None and not still_leading():
        return counts
    counts["mail-sent"] = deliver_outbox(now)
    if failed:
        raise JobsFailed(f"jobs failed: {', '.join(failed)}; done: {counts}")
    return counts
