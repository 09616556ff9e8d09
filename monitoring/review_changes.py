"""What a reviewer needs about a report's past: the return comment that still applies, and what changed since.

A return comment applies from the return until the report is sent again; afterwards it stays in the history
with its own date. A report sent again after a return is compared field by field with the returned version,
with the curator's «необычное изменение» flags (monitoring.soft_warnings) next to the changed fields.
"""
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy.models import Organization
from monitoring.indicators import FIELD_BY_CODE, FIELDS
from monitoring.models import Submission, SubmissionStatus, SubmissionVersion
from monitoring.soft_warnings import soft_warnings
from registry.extensions import db

#: Events after which a return comment no longer applies (the report went back to review or was decided).
_CLOSING = ("submitted", "accepted", "reopened")


@dataclass
class CurrentComment:
    text: str
    at: datetime


@dataclass
class Change:
    code: str
    label: str
    old: float | None
    new: float | None
    #: The «необычное изменение» warnings the curator saw next to this field.
    flags: list[str] = field(default_factory=list)


def _versions(submission: Submission) -> list[SubmissionVersion]:
    return list(db.session.scalars(sa.select(SubmissionVersion).where(
        SubmissionVersion.submission_id == submission.id, SubmissionVersion.event != "saved")
        .order_by(SubmissionVersion.version.desc())))


def current_comment(submission: Submission | None) -> CurrentComment | None:
    """The return comment with the date of its return, while it still applies (until the report is sent again)."""
    if submission is None or submission.status not in (SubmissionStatus.returned, SubmissionStatus.draft):
        return None
    for version in _versions(submission):
        if version.event == "returned":
            return CurrentComment(version.comment or "", version.created_at)
        if version.event in _CLOSING:
            return None
    return None


def returned_version(submission: Submission | None) -> SubmissionVersion | None:
    """The version that was returned, when the report was sent again after that return and awaits review."""
    if submission is None or submission.status is not SubmissionStatus.submitted:
        return None
    versions = _versions(submission)
    if len(versions) < 2 or versions[0].event != "submitted" or versions[1].event != "returned":
        return None
    return versions[1]


def changes_since_return(campaign: Campaign, organization: Organization,
                         submission: Submission | None) -> tuple[SubmissionVersion | None, list[Change]]:
    """The returned version and the per-field differences of the current values against it (form order)."""
    returned = returned_version(submission)
    if returned is None:
        return None, []
    old, new = returned.values, submission.value_map()
    flags = soft_warnings(campaign, organization, new)
    return returned, [Change(code, FIELD_BY_CODE[code].label, old.get(code), new.get(code), flags.get(code, []))
                      for code in (f.code for f in FIELDS) if old.get(code) != new.get(code)]
