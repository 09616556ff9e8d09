"""Municipal reports and the regional consolidation. Validate → mutate → flush → audit; callers commit."""
from datetime import datetime

import sqlalchemy as sa

from deadlines import late_return
from deadlines.models import Campaign
from deadlines.windows import require_open
from hierarchy.models import Level, Municipality
from monitoring import notifications, snapshots
from monitoring.models import MunicipalReport, ReportStatus, Snapshot
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.core.db import for_update
from registry.core.errors import InvalidTransition, ValidationFailed
from registry.extensions import db


def get_report(campaign: Campaign, municipality: Municipality, *, lock: bool = False,
               create: bool = False) -> MunicipalReport | None:
    """The municipality's report; `lock` serialises concurrent writers (registry.core.db.for_update)."""
    query = sa.select(MunicipalReport).where(MunicipalReport.campaign_id == campaign.id,
                                             MunicipalReport.municipality_id == municipality.id)
    report = db.session.scalar(for_update(db.session, query) if lock else query)
    if report is None and create:
        report = MunicipalReport(campaign_id=campaign.id, municipality_id=municipality.id)
        db.session.add(report)
        db.session.flush()
    return report


def describe(report: MunicipalReport | None, municipality: Municipality) -> dict:
    if report is None:
        return {"municipality": municipality.code, "status": ReportStatus.open.value, "review_comment": None,
                "snapshot": None}
    snap = report.snapshot
    return {"municipality": municipality.code, "status": report.status.value, "review_comment": report.review_comment,
            "snapshot": {"id": snap.id, "version": snap.version, "created_at": snap.created_at.isoformat(),
                         "missing": snap.summary.get("missing", [])} if snap else None}


def _check_region_member(campaign: Campaign, municipality: Municipality) -> None:
    if municipality.region_id != campaign.region_id:
        raise InvalidTransition("Муниципалитет не относится к региону кампании.")


def submit_report(campaign: Campaign, municipality: Municipality, *, actor: User,
                  now: datetime | None = None) -> MunicipalReport:
    """Submit the municipal report: freezes a snapshot listing every organization not accepted. Caller commits."""
    now = now or now_utc()
    _check_region_member(campaign, municipality)
    require_open(campaign, Level.municipality, municipality.id, now)
    report = get_report(campaign, municipality, lock=True, create=True)
    before = report.status.value
    report.transition_to(ReportStatus.submitted)
    snapshot = snapshots.freeze_municipal(campaign, municipality, actor=actor, now=now)
    report.snapshot_id = snapshot.id
    report.submitted_at = now
    db.session.flush()
    log_action(actor, "municipal_report.submitted", "municipal_report", f"{campaign.year}/{municipality.code}",
               before={"status": before}, after={"status": report.status.value, "snapshot_id": snapshot.id,
                                                 "snapshot_version": snapshot.version,
                                                 "missing": len(snapshot.summary["missing"])})
    notifications.report_event(report, campaign, municipality, "submitted", comment=None, now=now)
    return report


def _review(campaign: Campaign, municipality: Municipality, new: ReportStatus, *, actor: User, now: datetime,
            comment: str | None = None) -> MunicipalReport:
    _check_region_member(campaign, municipality)
    require_open(campaign, Level.region, campaign.region_id, now)
    report = get_report(campaign, municipality, lock=True)
    if report is None:
        raise InvalidTransition("Муниципалитет ещё не отправлял отчёт.")
    before = report.status.value
    report.transition_to(new)
    report.reviewed_at = now
    if comment is not None:
        report.review_comment = comment
    db.session.flush()
    log_action(actor, f"municipal_report.{new.value}", "municipal_report", f"{campaign.year}/{municipality.code}",
               before={"status": before}, after={"status": new.value}, comment=comment)
    note = None
    if new is ReportStatus.returned:
        extension = late_return.grant_on_return(campaign, municipality, actor=actor, now=now)
        note = late_return.extension_note(campaign, extension)
    notifications.report_event(report, campaign, municipality, new.value, comment=comment, note=note, now=now)
    return report


def return_report(campaign: Campaign, municipality: Municipality, comment: str, *, actor: User,
                  now: datetime | None = None) -> MunicipalReport:
    """Return a municipal report for revision; the comment is mandatory. Caller commits."""
    if not (comment or "").strip():
        raise ValidationFailed("Укажите, что нужно исправить: комментарий обязателен при возврате.",
                               {"comment": ["Комментарий обязателен."]})
    return _review(campaign, municipality, ReportStatus.returned, actor=actor, now=now or now_utc(),
                   comment=comment.strip())


def accept_report(campaign: Campaign, municipality: Municipality, *, actor: User,
                  now: datetime | None = None) -> MunicipalReport:
    return _review(campaign, municipality, ReportStatus.accepted, actor=actor, now=now or now_utc())


def consolidate(campaign: Campaign, *, actor: User, now: datetime | None = None) -> Snapshot:
    """Freeze the regional snapshot; a repeat makes a new version, the old one stays. Caller commits."""
    now = now or now_utc()
    require_open(campaign, Level.region, campaign.region_id, now)
    snapshot = snapshots.freeze_region(campaign, actor=actor, now=now)
    log_action(actor, "campaign.consolidated", "campaign", f"{campaign.region.code}/{campaign.year}",
               after={"snapshot_id": snapshot.id, "snapshot_version": snapshot.version,
                      "missing": len(snapshot.summary["missing"])})
    return snapshot
