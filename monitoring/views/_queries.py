"""Read helpers for the monitoring pages: review queues, report tables, extension lists (one query each)."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from deadlines.models import Campaign, Extension
from hierarchy.models import Level, Municipality, Organization, OrgType, Region
from monitoring import aggregation
from monitoring.models import (
    CampaignMember,
    IndicatorTarget,
    MunicipalReport,
    Snapshot,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from registry.auth.models import User
from registry.core.clock import now_utc
from registry.core.listing import Listing, name_matches, paginate, sort_arg
from registry.extensions import db

#: Pass as `parent` to list every member; None lists the region's direct organizations.
ANY_PARENT = object()

#: Sort keys of member lists → columns (later ones break ties); status sorts by workflow order, not by name.
STATUS_ORDER = sa.case((Submission.status == SubmissionStatus.returned, 1),
                       (Submission.status == SubmissionStatus.submitted, 2),
                       (Submission.status == SubmissionStatus.accepted, 3), else_=0)
MEMBER_SORTS = {"name": (Organization.name, Organization.code), "code": (Organization.code,),
                "type": (CampaignMember.org_type, Organization.name, Organization.code),
                "parent": (Municipality.name, Organization.name, Organization.code),
                "status": (STATUS_ORDER, Organization.name, Organization.code),
                "updated": (Submission.updated_at, Organization.name, Organization.code)}


def member_listing(campaign: Campaign, *, parent=ANY_PARENT, status: str | None = None, org_type: str | None = None,
                   overdue_only: bool = False, now: datetime | None = None, per_page: int = 50,
                   prefix: str = "", search: str = "", members: sa.Select | None = None) -> Listing:
    """A sorted page of (member, org, submission, municipality, overdue now) rows; `overdue_only` filters, `search`
    keeps organizations whose name or code contains it; `members` (access.visible_members) confines it to what a
    user may see, else every member of the campaign."""
    query = _filtered_members(campaign, parent, status, org_type, overdue_only, now, search, members)
    return paginate(query, MEMBER_SORTS, "name", per_page, prefix)


def member_rows(campaign: Campaign, *, parent=ANY_PARENT, status: str | None = None, org_type: str | None = None,
                overdue_only: bool = False, now: datetime | None = None, search: str = "",
                members: sa.Select | None = None) -> list:
    """Every row `member_listing` would page through, in the requested order (the list's download)."""
    key = sort_arg(MEMBER_SORTS, "name")
    columns = MEMBER_SORTS[key.lstrip("-")]
    order = [(c.desc() if key.startswith("-") else c.asc()).nulls_last() for c in columns]
    query = _filtered_members(campaign, parent, status, org_type, overdue_only, now, search, members)
    return list(db.session.execute(query.order_by(*order)).all())


def _filtered_members(campaign, parent, status, org_type, overdue_only, now, search, members) -> sa.Select:
    overdue = aggregation.overdue_clause(campaign, now or now_utc())
    query = _members_query(campaign, parent, status, members).add_columns(sa.case((overdue, True), else_=False))
    if org_type:
        query = query.where(CampaignMember.org_type == OrgType(org_type))
    if overdue_only:
        query = query.where(overdue)
    if search:
        query = query.where(name_matches(search, Organization.name, Organization.code))
    return query


def _all_members(campaign: Campaign) -> sa.Select:
    return sa.select(CampaignMember).where(CampaignMember.campaign_id == campaign.id)


def _members_query(campaign: Campaign, parent, status: str | None, members: sa.Select | None) -> sa.Select:
    query = (
        (_all_members(campaign) if members is None else members)
        .add_columns(Organization, Submission, Municipality)
        .join(Organization, Organization.id == CampaignMember.organization_id)
        .outerjoin(Submission, sa.and_(Submission.campaign_id == CampaignMember.campaign_id,
                                       Submission.organization_id == CampaignMember.organization_id))
        .outerjoin(Municipality, Municipality.id == CampaignMember.reporting_municipality_id)
    )
    if parent is None:
        query = query.where(CampaignMember.reporting_municipality_id.is_(None))
    elif parent is not ANY_PARENT:
        query = query.where(CampaignMember.reporting_municipality_id == parent)
    if status == SubmissionStatus.draft.value:
        query = query.where(sa.or_(Submission.id.is_(None), Submission.status == SubmissionStatus.draft))
    elif status:
        query = query.where(Submission.status == SubmissionStatus(status))
    return query


def status_counts(campaign: Campaign, *, parent=ANY_PARENT, members: sa.Select | None = None) -> dict[str, int]:
    """How many members (of `members`, else all) are in each submission status (not started counts as draft)."""
    query = (
        (_all_members(campaign) if members is None else members)
        .with_only_columns(Submission.status, sa.func.count())
        .select_from(CampaignMember)
        .outerjoin(Submission, sa.and_(Submission.campaign_id == CampaignMember.campaign_id,
                                       Submission.organization_id == CampaignMember.organization_id))
        .group_by(Submission.status)
    )
    if parent is None:
        query = query.where(CampaignMember.reporting_municipality_id.is_(None))
    elif parent is not ANY_PARENT:
        query = query.where(CampaignMember.reporting_municipality_id == parent)
    counts = {s.value: 0 for s in SubmissionStatus}
    for status, count in db.session.execute(query):
        key = getattr(status, "value", status) or SubmissionStatus.draft.value
        counts[key] += count
    return counts


def municipal_reports(campaign: Campaign) -> list[dict]:
    """Every municipality of the region with its report (or None) and its members' progress."""
    progress = (
        sa.select(
            CampaignMember.reporting_municipality_id.label("municipality_id"),
            sa.func.count().label("expected"),
            sa.func.coalesce(sa.func.sum(sa.case((Submission.status.in_(
                [SubmissionStatus.submitted, SubmissionStatus.accepted]), 1), else_=0)), 0).label("submitted"),
            sa.func.coalesce(sa.func.sum(sa.case((Submission.status == SubmissionStatus.accepted, 1), else_=0)),
                             0).label("accepted"),
        )
        .select_from(CampaignMember)
        .outerjoin(Submission, sa.and_(Submission.campaign_id == CampaignMember.campaign_id,
                                       Submission.organization_id == CampaignMember.organization_id))
        .where(CampaignMember.campaign_id == campaign.id, CampaignMember.reporting_municipality_id.is_not(None))
        .group_by(CampaignMember.reporting_municipality_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Municipality, MunicipalReport, progress.c.expected, progress.c.submitted, progress.c.accepted)
        .outerjoin(MunicipalReport, sa.and_(MunicipalReport.municipality_id == Municipality.id,
                                            MunicipalReport.campaign_id == campaign.id))
        .outerjoin(progress, progress.c.municipality_id == Municipality.id)
        .where(Municipality.region_id == campaign.region_id)
        .order_by(Municipality.name)
    )
    return [{"municipality": m, "report": r, "expected": e or 0, "submitted": int(s or 0), "accepted": int(a or 0)}
            for m, r, e, s, a in rows]


SNAPSHOT_SORTS = {"version": (Snapshot.version, Snapshot.id), "created": (Snapshot.created_at, Snapshot.id)}
#: Snapshot histories share their page with other lists: their own ?snapshots_page= and ?snapshots_sort=.
SNAPSHOT_PREFIX = "snapshots_"


def snapshots(campaign: Campaign, level: Level, unit_code: str, per_page: int) -> Listing:
    """The versions of one unit's snapshot, newest first by default."""
    query = sa.select(Snapshot).where(Snapshot.campaign_id == campaign.id, Snapshot.level == level,
                                      Snapshot.unit_code == unit_code)
    listing = paginate(query, SNAPSHOT_SORTS, "-version", per_page, SNAPSHOT_PREFIX)
    listing.rows = [s for s, in listing.rows]
    return listing


def own_targets(campaign: Campaign) -> dict[str, float]:
    """The targets the region set itself (the built-in trajectory fills the rest)."""
    return dict(db.session.execute(sa.select(IndicatorTarget.code, IndicatorTarget.value)
                                   .where(IndicatorTarget.campaign_id == campaign.id)).all())


EXTENSION_SORTS = {"created": (Extension.created_at, Extension.id), "until": (Extension.until, Extension.id)}


def extensions(visible: sa.Select, per_page: int = 50) -> Listing:
    """A sorted page of the extensions `visible` selects (access.visible_extensions; newest first by default) as
    dicts with their unit and users."""
    granter, revoker = aliased(User), aliased(User)
    query = (visible.add_columns(granter, revoker)
             .outerjoin(granter, granter.id == Extension.granted_by_id)
             .outerjoin(revoker, revoker.id == Extension.revoked_by_id))
    listing = paginate(query, EXTENSION_SORTS, "-created", per_page)
    units = _units({(e.level, e.unit_id) for e, _, _ in listing.rows})
    listing.rows = [{"extension": e, "unit": units.get((e.level, e.unit_id)), "granted_by": g, "revoked_by": r}
                    for e, g, r in listing.rows]
    return listing


def _units(keys: set) -> dict:
    found = {}
    for level, model in ((Level.organization, Organization), (Level.municipality, Municipality),
                         (Level.region, Region)):
        ids = [unit_id for lvl, unit_id in keys if lvl is level]
        if ids:
            for unit in db.session.scalars(sa.select(model).where(model.id.in_(ids))):
                found[(level, unit.id)] = unit
    return found


def municipal_report(campaign: Campaign, municipality: Municipality) -> MunicipalReport | None:
    """The municipality's report, read without locking (the services lock it when they write)."""
    return db.session.scalar(sa.select(MunicipalReport).where(MunicipalReport.campaign_id == campaign.id,
                                                              MunicipalReport.municipality_id == municipality.id))


def campaigns_of(region: Region) -> list[Campaign]:
    return list(db.session.scalars(sa.select(Campaign).where(Campaign.region_id == region.id)
                                   .order_by(Campaign.year.desc())))


MEMBER_COUNT = (sa.select(sa.func.count()).where(CampaignMember.campaign_id == Campaign.id)
                .correlate(Campaign).scalar_subquery())
CAMPAIGN_SORTS = {"year": (Campaign.year,), "members": (MEMBER_COUNT, Campaign.year),
                  **{key: (getattr(Campaign, attr), Campaign.year) for key, attr in (
                      ("organization", "organization_deadline"), ("municipality", "municipality_deadline"),
                      ("region", "region_deadline"), ("federal", "federal_deadline"))}}


def campaign_listing(region: Region, per_page: int) -> Listing:
    """The region's campaigns (newest year first by default) with their member counts: rows are (campaign, n)."""
    return paginate(sa.select(Campaign, MEMBER_COUNT).where(Campaign.region_id == region.id), CAMPAIGN_SORTS, "-year",
                    per_page)


def latest_year(region: Region) -> int | None:
    return db.session.scalar(sa.select(sa.func.max(Campaign.year)).where(Campaign.region_id == region.id))


def regions() -> list[Region]:
    return list(db.session.scalars(sa.select(Region).order_by(Region.code)))


HISTORY_SORTS = {"version": (SubmissionVersion.version,)}


def version_history(submission: Submission | None, per_page: int) -> Listing:
    """A submission's versions (newest first by default) with who made each: rows are (version, user or None)."""
    if submission is None:
        return Listing(rows=[], total=0, page=1, pages=1, sort="-version", prefix="history_")
    query = (sa.select(SubmissionVersion, User).outerjoin(User, User.id == SubmissionVersion.actor_id)
             .where(SubmissionVersion.submission_id == submission.id))
    return paginate(query, HISTORY_SORTS, "-version", per_page, "history_")
