"""Helpers for scheduler tests: config overrides, a real local SMTP server, reading what was sent."""
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from registry.extensions import db
from registry.notify.models import Notification, OutboxMessage
from scheduler.ledger import LedgerEntry


@pytest.fixture
def config(app):
    """config(KEY=value, …) changes the app's settings for one test; they are restored afterwards."""
    saved = {}

    def _set(**values):
        for key, value in values.items():
            saved.setdefault(key, app.config.get(key))
            app.config[key] = value
    yield _set
    app.config.update(saved)


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1; yields (inbox, port)."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def smtp(smtp_server, config):
    """The app sends mail to the local SMTP server for this test; yields its inbox."""
    inbox, port = smtp_server
    config(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TLS=False, SMTP_USER=None, MAIL_FROM="registry@example.ru")
    return inbox


def outbox(to: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if to is not None:
        query = query.where(OutboxMessage.to_addr == to)
    return list(db.session.scalars(query))


def notifications(user=None) -> list[Notification]:
    query = sa.select(Notification).order_by(Notification.id)
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    return list(db.session.scalars(query))


def ledger(job: str | None = None) -> list[LedgerEntry]:
    query = sa.select(LedgerEntry).order_by(LedgerEntry.id)
    if job is not None:
        query = query.where(LedgerEntry.job == job)
    return list(db.session.scalars(query))
