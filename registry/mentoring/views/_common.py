"""What the records pages share: loading the organization (404) and its records, permission checks, form parsing."""
import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from marshmallow import Schema, ValidationError

from hierarchy.models import Organization
from registry.core.api import current_actor
from registry.core.errors import DomainError
from registry.core.permissions import require
from registry.extensions import db
from registry.mentoring.permissions import can_edit_records, can_view_records


def organization_or_404(org_code: str) -> Organization:
    org = db.session.scalar(sa.select(Organization).where(Organization.code == org_code))
    if org is None:
        abort(404)
    return org


def viewable(org_code: str) -> Organization:
    """The organization, once the user may read its records (curator, its municipality, region staff)."""
    org = organization_or_404(org_code)
    require(can_view_records(current_user, org), "Записи этой организации вне вашей области доступа.")
    return org


def editable(org_code: str) -> Organization:
    """The organization, once the user is its curator (only the curator keeps the records)."""
    org = viewable(org_code)
    require(can_edit_records(current_user, org), "Вносить записи может только куратор организации.")
    return org


def record_or_404(model, record_id: int, org: Organization):
    """A record of this organization; another organization's id answers 404, like an unknown one."""
    record = db.session.get(model, record_id)
    if record is None or record.organization_id != org.id:
        abort(404)
    return record


def parse(schema: type[Schema], data: dict | None = None) -> tuple[dict | None, dict[str, list[str]]]:
    """Load the posted form through its schema: (data, {}) or (None, messages per field)."""
    raw = request.form.to_dict() if data is None else data
    for name, values in request.form.lists():
        if len(values) > 1 or name in ("forms", "fields", "mentor_ids", "mentee_ids"):
            raw[name] = values
    try:
        return schema().load(raw), {}
    except ValidationError as error:
        return None, {k: v if isinstance(v, list) else [str(v)] for k, v in error.messages.items()}


def posted() -> dict:
    """The posted form as the template's `values` (lists for multi-valued inputs), to show it again."""
    values = request.form.to_dict()
    for name in ("forms", "mentor_ids", "mentee_ids"):
        values[name] = request.form.getlist(name)
    return values


def actor():
    return current_actor()


def done(message: str, endpoint: str, **values):
    """Say the change is made and go to the page showing it (the request boundary commits it)."""
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


def refused(error: DomainError, endpoint: str, **values):
    """A refused action: show why on the page the user came from. The redirect is a success for the request
    boundary, which commits: the caller runs the refused change in a savepoint (`db.session.begin_nested()`), so
    the refusal undid it and nothing of it is kept."""
    messages = [m for ms in error.fields.values() for m in ms]
    flash(" ".join([error.message, *messages]), "error")
    return redirect(url_for(endpoint, **values))
