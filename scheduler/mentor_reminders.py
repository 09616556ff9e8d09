"""Remind mentors before a quarter closes to send their quarterly report (003 §5.3), once per mentor and quarter.

An orchestration-level module: it reads the mentors' accounts and reports. The quarters are the calendar quarters
of each campaign's year, closing at local midnight; the reminder goes out MENTOR_REPORT_REMINDER_DAYS before, at
NOTIFY_LOCAL_HOUR local time, to every enabled mentor account of the region whose report for the quarter is not yet
sent. As with the other reminders, a ledger row written with the notification guards each (mentor, quarter).
"""
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from deadlines import due
from deadlines.messages import path
from deadlines.models import Campaign
from hierarchy.models import Organization
from registry.auth.models import Role, User
from registry.core.clock import now_utc
from registry.extensions import db
from registry.mentoring.models import Mentor
from registry.mentors.models import QuarterlyReport, ReportStatus
from registry.mentors.vocab import QUARTER_NAMES, quarter_end
from registry.notify.services import Message, notify
from scheduler.ledger import LedgerEntry

JOB = "mentor-report-reminder"


def _due_quarters(campaign: Campaign, now: datetime) -> list[tuple[int, datetime]]:
    """The campaign year's quarters whose reminder time has come and whose close has not."""
    config, tz = current_app.config, campaign.region.timezone
    found = []
    for quarter in QUARTER_NAMES:
        end = quarter_end(campaign.year, quarter)
        closes = due.local_at(end, 0, tz)
        remind_at = due.local_at(end - timedelta(days=config["MENTOR_REPORT_REMINDER_DAYS"]),
                                 config["NOTIFY_LOCAL_HOUR"], tz)
        if remind_at <= now < closes:
            found.append((quarter, closes))
    return found


def _mentors_to_remind(campaign: Campaign, quarter: int) -> list[User]:
    sent = sa.select(QuarterlyReport.mentor_id).where(
        QuarterlyReport.year == campaign.year, QuarterlyReport.quarter == quarter,
        QuarterlyReport.status.in_((ReportStatus.submitted, ReportStatus.accepted)))
    done = set(db.session.scalars(sa.select(LedgerEntry.unit_key).where(
        LedgerEntry.job == JOB, LedgerEntry.campaign_id == campaign.id, LedgerEntry.kind == _kind(campaign, quarter))))
    users = db.session.scalars(
        sa.select(User).join(Mentor, Mentor.id == User.mentor_id)
        .join(Organization, Organization.id == Mentor.organization_id)
        .where(User.role == Role.mentor, User.is_enabled.is_(True), Mentor.left_on.is_(None),
               Organization.region_id == campaign.region_id, User.mentor_id.not_in(sent))
        .order_by(User.id))
    return [user for user in users if f"mentor:{user.mentor_id}" not in done]


def _kind(campaign: Campaign, quarter: int) -> str:
    return f"quarter-{campaign.year}-{quarter}"


def remind_mentors(now: datetime | None = None) -> int:
    """Send each due mentor one reminder (in-app and e-mail) per quarter; returns how many were sent now."""
    now = now or now_utc()
    sent = 0
    campaigns = list(db.session.scalars(sa.select(Campaign).options(joinedload(Campaign.region)).order_by(Campaign.id)))
    for campaign in campaigns:
        for quarter, closes in _due_quarters(campaign, now):
            for user in _mentors_to_remind(campaign, quarter):
                entry = LedgerEntry(job=JOB, campaign_id=campaign.id, unit_key=f"mentor:{user.mentor_id}",
                                    kind=_kind(campaign, quarter), created_at=now, detail={"user_id": user.id})
                db.session.add(entry)
                try:
                    db.session.flush()
                except IntegrityError:  # another run reminded this mentor first
                    db.session.rollback()
                    continue
                notify([user], _message(campaign, quarter, closes), now=now)
                db.session.commit()
                sent += 1
    return sent


def _message(campaign: Campaign, quarter: int, closes: datetime) -> Message:
    tz = campaign.region.timezone
    last_day = due.last_day(closes, tz).strftime("%d.%m.%Y")
    period = f"{QUARTER_NAMES[quarter]} {campaign.year} года"
    return Message(kind="mentor-report-reminder", subject=f"Отчёт наставника за {period}",
                   summary=f"Квартал заканчивается {last_day}: напишите и отправьте куратору отчёт за {period}.",
                   template="mentor_report_reminder", context={"period": period, "last_day": last_day},
                   link=path("mentor.report_edit", year=campaign.year, quarter=quarter))
