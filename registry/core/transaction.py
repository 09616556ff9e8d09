"""One transaction per request, as Indico's request handler has it: the request is the boundary.

A view returns its answer; `RegistryFlask.dispatch_request` then commits everything the view changed, once, with
the audit rows it added. An exception (a domain refusal, a failed flush, a bug) or an error answer (4xx/5xx)
rolls it all back, so views, their helpers and services never commit or roll back themselves. Entry points outside
a request (the scheduler's jobs, CLI commands, background builders) are boundaries of their own and commit there.
What must wait for the commit (a file deleted once the database no longer needs it, a queued job run in tests)
is handed to `after_commit`.
"""
from collections.abc import Callable

from flask import Flask, g
from werkzeug.wrappers import Response

from registry.extensions import db


class RegistryFlask(Flask):
    def dispatch_request(self):
        try:
            response = self.make_response(super().dispatch_request())
        except BaseException:
            db.session.rollback()
            g.pop("after_commit", None)
            raise
        finish(response)
        for callback in g.pop("after_commit", ()):
            callback()
        return response


def after_commit(callback: Callable[[], None]) -> None:
    """Run callback once this request's changes are committed; never if they are rolled back."""
    g.setdefault("after_commit", []).append(callback)


def finish(response: Response) -> None:
    """Commit the request's changes when its answer is a success or a redirect, else roll them back.

    The answer is already built, so nothing reads the committed objects again except a streamed body, which
    queries for itself: committing without expiring them spares a reload per object (the reason the API used to
    build its answer before committing)."""
    session = db.session()
    if response.status_code >= 400:
        session.rollback()
        g.pop("after_commit", None)
        return
    session.expire_on_commit = False
    try:
        session.commit()
    except BaseException:
        session.rollback()
        g.pop("after_commit", None)
        raise
    finally:
        session.expire_on_commit = True
