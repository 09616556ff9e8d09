"""The organization's report form: the curator fills and submits it; reviewers and region staff read it."""
import math

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from deadlines import late_return
from hierarchy.models import ORG_TYPE_LABELS, Level
from hierarchy.permissions import can_edit_organization
from monitoring import review_changes, services
from monitoring.access import can_review_member, can_see_member, load_campaign, load_member
from monitoring.campaigns import campaign_args
from monitoring.indicators import CODES, FIELDS, GROUPS, check_values
from monitoring.models import SUBMISSION_STATUS_LABELS, SubmissionStatus
from monitoring.soft_warnings import previous_values, soft_warnings
from monitoring.views import _queries as q
from monitoring.views._common import EVENT_LABELS, window_of
from registry.core.clock import now_utc
from registry.core.errors import DomainError, ValidationFailed, VersionConflict
from registry.core.listing import links_to
from registry.core.permissions import require
from registry.core.wording import input_number
from registry.extensions import db
from registry.mentoring.queries import counts_from_records, has_records, record_differences
from surveys import results as survey_results
from surveys.results import hide_small

bp = Blueprint("submissions", __name__, url_prefix="/campaigns")
EDITABLE = (SubmissionStatus.draft, SubmissionStatus.returned)
HISTORY_PER_PAGE = 50
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
SUBMISSION_URL = "/<region_code>/<int:year>/submissions/<org_code>"


@bp.get(SUBMISSION_URL)
@login_required
def submission_edit(region_code: str, year: int, org_code: str):
    """The report: a form for its curator while it may be edited, read-only otherwise, with the review actions."""
    campaign = load_campaign(region_code, year)
    org, member = load_member(campaign, org_code)
    require(can_see_member(current_user, campaign, org, member))
    if request.args.get("fill") == "records" and can_edit_organization(current_user, org.id):
        return render_page(campaign, org, member, typed=filled_from_records(campaign, org))
    return render_page(campaign, org, member)


@bp.post(SUBMISSION_URL)
@login_required
def submission_save(region_code: str, year: int, org_code: str):
    """«Сохранить черновик»: store the typed values; a refusal shows the form again with them (nothing stored)."""
    campaign, org, member, typed, version = _posted_form(region_code, year, org_code)
    try:
        submission = services.save_values(campaign, org, parse_values(typed), version=version, actor=current_user)
    except DomainError as error:
        return _refused(campaign, org, member, typed, version, error)
    flash(f"Черновик сохранён (версия {submission.version}). Когда всё заполнено, нажмите «Отправить на проверку».",
          "success")
    return redirect(url_for("submissions.submission_edit", **campaign_args(campaign), org_code=org.code))


@bp.post(SUBMISSION_URL + "/submit")
@login_required
def submission_submit(region_code: str, year: int, org_code: str):
    """«Отправить на проверку»: store the typed values as a draft when they changed, then send the report. When it
    cannot be sent, only the sending is undone (a savepoint): the draft is kept and the form shows why."""
    campaign, org, member, typed, version = _posted_form(region_code, year, org_code)
    try:
        values = parse_values(typed)
        submission = services.get_submission(campaign, org)
        unchanged = submission is not None and submission.version == version and submission.value_map() == values
        if not unchanged:
            version = services.save_values(campaign, org, values, version=version, actor=current_user).version
    except DomainError as error:
        return _refused(campaign, org, member, typed, version, error)
    try:
        with db.session.begin_nested():
            services.submit(campaign, org, actor=current_user, version=version)
    except DomainError as error:
        if unchanged:  # nothing was saved: the boundary has nothing to keep
            return render_page(campaign, org, member, typed=typed, error=error, version=version), error.status
        flash(f"Черновик сохранён (версия {version}), но на проверку отчёт не отправлен.", "info")
        # a success answer, so that the boundary commits the saved draft
        return render_page(campaign, org, member, typed=typed, error=error, version=version)
    flash("Отчёт отправлен на проверку. Изменить его можно будет, только если проверяющий вернёт его на доработку.",
          "success")
    return redirect(url_for("submissions.submission_edit", **campaign_args(campaign), org_code=org.code))


def _posted_form(region_code: str, year: int, org_code: str):
    """The campaign, organization and membership the curator edits (404/403 otherwise), the typed values and the
    version the form was shown at."""
    campaign = load_campaign(region_code, year)
    org, member = load_member(campaign, org_code)
    require(can_see_member(current_user, campaign, org, member))
    require(can_edit_organization(current_user, org.id))
    typed = {code: request.form.get(code, "").strip() for code in CODES}
    return campaign, org, member, typed, _int_or(request.form.get("version"), -1)


def _refused(campaign, org, member, typed: dict, version: int, error: DomainError):
    """The form again with what was typed and why it was refused; the error status rolls the request back."""
    if isinstance(error, VersionConflict):
        current = error.current
        return render_page(campaign, org, member, typed=typed, error=error, conflict=current,
                           version=current["version"] if current else version), error.status
    return render_page(campaign, org, member, typed=typed, error=error, version=version), error.status


def _int_or(raw: str | None, default: int) -> int:
    try:
        return int(raw or "")
    except ValueError:
        return default


def parse_values(typed: dict[str, str]) -> dict[str, int | float]:
    """Read the typed numbers («1 000», «12,5»); an empty input means "not filled"; refuse anything else."""
    values: dict[str, int | float] = {}
    unreadable: dict[str, list[str]] = {}
    for code, text in typed.items():
        text = text.translate(_SPACES).replace(",", ".")
        if not text:
            continue
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            unreadable[code] = ["Введите число цифрами, например 125."]
            continue
        values[code] = int(number) if number.is_integer() else number
    if unreadable:
        errors = check_values(values, complete=False)
        for code, messages in unreadable.items():
            errors.setdefault(code, []).extend(messages)
        raise ValidationFailed("Данные не сохранены: исправьте ошибки в отмеченных полях.", errors)
    return values


def _numbers(shown: dict[str, str]) -> dict[str, float]:
    """The shown inputs that read as numbers (warnings are computed even for an unsaved, half-typed form)."""
    try:
        return parse_values(shown)
    except ValidationFailed:
        return {}


def _plain(value: float) -> str:
    return input_number(value)


def render_page(campaign, org, member, *, typed: dict | None = None, error: DomainError | None = None,
                conflict: dict | None = None, version: int | None = None, review_error: DomainError | None = None,
                comment: str = ""):
    """The submission page in whichever mode the user and the report's state allow."""
    links_to("submissions.submission_edit", **campaign_args(campaign), org_code=org.code)  # also from …/return
    now = now_utc()
    user = current_user
    tz = campaign.region.timezone
    submission = services.get_submission(campaign, org)
    status = submission.status if submission else SubmissionStatus.draft
    stored = submission.value_map() if submission else {}
    by_kind = survey_results.organization_results(campaign, org)
    if status in EDITABLE:  # a draft's survey fields follow the survey (PRODUCT.md §10)
        stored = survey_results.overlay(stored, by_kind)
    stored = hide_small({"values": stored}, user, campaign, org)["values"]
    from_survey = survey_results.surveyed_codes(by_kind)
    window = window_of(campaign, Level.organization, org.id, now)
    is_curator = can_edit_organization(user, org.id)
    can_save = is_curator and window.is_open and status in EDITABLE
    review_level, review_unit = services.reviewer_window(campaign, org)
    review_open = window_of(campaign, review_level, review_unit, now).is_open
    can_review = can_review_member(user, campaign, member) and review_open
    shown = typed if typed is not None else {code: _plain(value) for code, value in stored.items()}
    errors = error.fields if error else {}
    current = (conflict or {}).get("values", {})
    warnings = soft_warnings(campaign, org, _numbers(shown))
    previous = hide_small({"values": previous_values(campaign, org)}, user, campaign, org)["values"]
    records = records_for_form(org, campaign.year)
    for code, messages in record_differences(_numbers(shown), records).items():
        warnings.setdefault(code, []).extend(messages)
    groups = []
    for key, title in GROUPS.items():
        fields = [{"code": f.code, "label": f.label, "help": f.help, "kind": f.kind, "value": shown.get(f.code, ""),
                   "stored": stored.get(f.code), "errors": errors.get(f.code, []),
                   "warnings": warnings.get(f.code, []), "previous": previous.get(f.code),
                   "current": current.get(f.code) if conflict is not None else None,
                   "from_survey": f.code in from_survey}
                  for f in FIELDS if f.group == key]
        groups.append({"key": key, "title": title, "fields": fields})
    history = q.version_history(submission, HISTORY_PER_PAGE)
    history.rows = [{"version": v.version, "event": EVENT_LABELS.get(v.event, v.event),
                     "status": SUBMISSION_STATUS_LABELS[v.status], "who": _who(actor), "at": v.created_at,
                     "comment": v.comment} for v, actor in history.rows]
    reviewer = member.reporting_municipality.name if member.reporting_municipality else "региональный оператор"
    returned, changes = review_changes.changes_since_return(campaign, org, submission)
    return render_template(
        "monitoring/submission_edit.html", campaign=campaign, org=org, tz=tz, submission=submission,
        status=status.value, status_label=SUBMISSION_STATUS_LABELS[status], type_label=ORG_TYPE_LABELS[org.org_type],
        reviewer=reviewer, window=window, groups=groups, history=history, error=error,
        anchors={f.code: (f"f-{f.code}", f.label) for f in FIELDS},
        conflict=conflict, version=version if version is not None else (submission.version if submission else 0),
        is_curator=is_curator, can_save=can_save, show_inputs=can_save or typed is not None,
        can_accept=can_review and status is SubmissionStatus.submitted,
        can_return=can_review and status is SubmissionStatus.submitted,
        late_return_notice=late_return.notice(campaign, org, now)
        if can_review and status is SubmissionStatus.submitted else None,
        can_reopen=can_review and status is SubmissionStatus.accepted,
        review_error=review_error, review_errors=review_error.fields if review_error else {}, comment=comment,
        closed_note=None if window.is_open or not is_curator else window.closed_message,
        current_comment=review_changes.current_comment(submission), returned=returned, changes=changes,
        args=campaign_args(campaign), has_records=bool(records), has_previous=bool(previous),
        surveys_url=url_for("surveys.survey_list", **campaign_args(campaign), org_code=org.code))


# «Заполнить из учёта»: counts computed from the organization's personalised records (registry.mentoring).
def records_for_form(org, year: int) -> dict[str, int]:
    """The records' counts, or {} when the organization keeps no records (then nothing is compared)."""
    return counts_from_records(org, year) if has_records(org) else {}


def filled_from_records(campaign, org) -> dict[str, str]:
    """The stored values with every count the records can compute replaced by the records' own (not saved)."""
    submission = services.get_submission(campaign, org)
    typed = {code: _plain(value) for code, value in (submission.value_map() if submission else {}).items()}
    typed.update({code: input_number(value) for code, value in records_for_form(org, campaign.year).items()})
    return typed


def _who(user) -> str:
    if user is None:
        return "система"
    return user.full_name or user.email
