"""What the records pages share: form parsing, the acting user, the answer after a change or a refusal. Loading and
authorizing live in `registry.mentoring.access`, shared with the API."""
from flask import flash, redirect, request, url_for
from marshmallow import Schema, ValidationError

from registry.core.api import current_actor
from registry.core.errors import DomainError


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
