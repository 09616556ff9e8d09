"""A user's deadlines: the calendar page and the ICS feed list the same events.

Orchestration level (HOUSE_STYLE §8.2): it reads monitoring's state to say whether the user's own unit is
on time, late, overdue or still pending.
"""
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from deadlines import due
from deadlines.messages import federal_form_link, path, unit_link
from deadlines.models import Campaign, Extension
from deadlines.timeliness import TIMELINESS_LABELS, timeliness
from deadlines.unit_deadline import closes_at, is_on_time
from deadlines.windows import active_extension
from hierarchy.models import Level, Municipality, Organization, Region
from monitoring.models import CampaignMember, MunicipalReport, ReportStatus, Snapshot, Submission, SubmissionStatus
from registry.auth.models import Role, User
from registry.extensions import db

_UNKNOWN = object()
TITLES = {
    "organization": "Отчёт организации", "organization-review": "Отчёты организаций (срок сдачи)",
    "municipality": "Муниципальный отчёт", "municipality-all": "Муниципальные отчёты (срок сдачи)",
    "region": "Региональная сводка", "federal": "Федеральная статистическая форма организации",
    "federal-all": "Федеральные формы организаций (срок подачи)", "forum": "Форум наставников",
}


@dataclass
class Event:
    uid: str
    campaign: Campaign
    kind: str
    title: str
    unit_name: str
    #: When the general window closes (a deadline) or the event starts (the forum).
    at: datetime
    extended_until: datetime | None = None
    state: str | None = None
    link: str | None = None

    @property
    def tz(self) -> str:
        return self.campaign.region.timezone

    @property
    def is_deadline(self) -> bool:
        return self.kind != "forum"

    @property
    def closes_at(self) -> datetime:
        """When it closes for this user's unit: the extension wins when it ends later."""
        if self.extended_until is not None and self.extended_until > self.at:
            return self.extended_until
        return self.at

    @property
    def last_day(self) -> date:
        return due.last_day(self.closes_at, self.tz)

    @property
    def local_date(self) -> date:
        return self.at.astimezone(ZoneInfo(self.tz)).date()


def campaigns_for(user: User, min_year: int) -> list[Campaign]:
    """Campaigns of the user's region (every region for an administrator) from `min_year` on."""
    query = (sa.select(Campaign).options(joinedload(Campaign.region)).where(Campaign.year >= min_year)
             .order_by(Campaign.year, Campaign.region_id))
    if user.role is not Role.admin:
        unit = user.scope_unit
        region_id = unit.id if isinstance(unit, Region) else getattr(unit, "region_id", None)
        query = query.where(Campaign.region_id == region_id)
    return list(db.session.scalars(query))


def events_for(user: User, campaigns: list[Campaign], now: datetime) -> list[Event]:
    events: list[Event] = []
    if user.role not in (Role.org_curator, Role.municipal_official):  # an administrator sees every region's
        consolidated, extensions = _consolidated_at(campaigns), _region_extensions(campaigns, now)
    for campaign in campaigns:
        if user.role is Role.org_curator:
            events += _curator(campaign, user.organization, now)
        elif user.role is Role.municipal_official:
            events += _official(campaign, user.municipality, now)
        else:
            events += _region_staff(campaign, now, consolidated.get(campaign.id), extensions.get(campaign.id))
        events.append(_event(campaign, "forum", campaign.region, campaign.forum_at))
    return sorted(events, key=lambda e: (e.closes_at, e.uid))


def _uid(campaign: Campaign, kind: str, unit) -> str:
    return f"{campaign.region.code}-{campaign.year}-{kind}-{unit.code}@mentoring-registry"


def _event(campaign: Campaign, kind: str, unit, at: datetime, **extra) -> Event:
    return Event(uid=_uid(campaign, kind, unit), campaign=campaign, kind=kind, title=TITLES[kind],
                 unit_name=unit.name, at=at, **extra)


def _own(campaign: Campaign, kind: str, unit, submitted_at: datetime | None, now: datetime,
         extension: Extension | None | object = _UNKNOWN) -> Event:
    """The user's own unit's deadline: its extension (`extension` when the caller loaded it) and whether it is on
    time."""
    level = unit.level
    if extension is _UNKNOWN:
        extension = active_extension(campaign, level, unit.id, now)
    # the window is open as deadlines.windows.is_open says: before the deadline or under an active extension
    window_open = now < campaign.deadline_of(level) or extension is not None
    # «в срок» as everywhere else: by the unit's own closing instant, its extension included (deadlines.unit_deadline);
    # only a report sent after the general deadline needs its extensions read (the region staff's calendar lists
    # every campaign, and a query per consolidated campaign would grow with them)
    closing = campaign.deadline_of(level)
    if submitted_at is not None and not is_on_time(submitted_at, closing):
        closing = closes_at(campaign, level, unit.id)
    state = timeliness(closing, submitted_at, window_open=window_open)
    return _event(campaign, kind, unit, campaign.deadline_of(level), state=TIMELINESS_LABELS[state],
                  extended_until=extension.until if extension else None, link=unit_link(campaign, unit))


def _curator(campaign: Campaign, org: Organization, now: datetime) -> list[Event]:
    if db.session.get(CampaignMember, (campaign.id, org.id)) is None:
        return []
    submitted_at = db.session.scalar(sa.select(Submission.submitted_at).where(
        Submission.campaign_id == campaign.id, Submission.organization_id == org.id,
        Submission.status.in_([SubmissionStatus.submitted, SubmissionStatus.accepted])))
    return [_own(campaign, "organization", org, submitted_at, now),
            _event(campaign, "federal", org, campaign.federal_deadline, link=federal_form_link(campaign, org))]


def _official(campaign: Campaign, municipality: Municipality, now: datetime) -> list[Event]:
    args = {"region_code": campaign.region.code, "year": campaign.year}
    submitted_at = db.session.scalar(sa.select(MunicipalReport.submitted_at).where(
        MunicipalReport.campaign_id == campaign.id, MunicipalReport.municipality_id == municipality.id,
        MunicipalReport.status.in_([ReportStatus.submitted, ReportStatus.accepted])))
    return [_event(campaign, "organization-review", municipality, campaign.organization_deadline,
                   link=path("review.submission_list", **args)),
            _own(campaign, "municipality", municipality, submitted_at, now),
            _event(campaign, "federal-all", municipality, campaign.federal_deadline)]


def _consolidated_at(campaigns: list[Campaign]) -> dict[int, datetime]:
    """When each campaign's region was first consolidated by a person, in one query for all campaigns."""
    return dict(db.session.execute(
        sa.select(Snapshot.campaign_id, sa.func.min(Snapshot.created_at))
        .where(Snapshot.campaign_id.in_([c.id for c in campaigns]), Snapshot.level == Level.region,
               Snapshot.created_by_id.is_not(None)).group_by(Snapshot.campaign_id)).all())


def _region_extensions(campaigns: list[Campaign], now: datetime) -> dict[int, Extension]:
    """Each campaign's latest-ending active extension of its region's window, in one query for all campaigns."""
    region_of = {c.id: c.region_id for c in campaigns}
    found = db.session.scalars(sa.select(Extension).where(
        Extension.campaign_id.in_(list(region_of)), Extension.level == Level.region, Extension.revoked_at.is_(None),
        Extension.until > now).order_by(Extension.until)).all()
    return {e.campaign_id: e for e in found if e.unit_id == region_of[e.campaign_id]}  # the latest-ending wins


def _region_staff(campaign: Campaign, now: datetime, consolidated_at: datetime | None,
                  extension: Extension | None) -> list[Event]:
    region = campaign.region
    args = {"region_code": region.code, "year": campaign.year}
    return [_event(campaign, "organization-review", region, campaign.organization_deadline,
                   link=path("review.submission_list", **args)),
            _event(campaign, "municipality-all", region, campaign.municipality_deadline,
                   link=path("region.region_view", **args)),
            _own(campaign, "region", region, consolidated_at, now, extension),
            _event(campaign, "federal-all", region, campaign.federal_deadline)]
