"""Delivering the outbox over SMTP. Each message is claimed before it is sent, so it goes out at most once."""
import contextlib
import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import sqlalchemy as sa
from flask import current_app

from registry.extensions import db
from registry.notify.models import MailStatus, OutboxMessage

logger = logging.getLogger(__name__)
#: SMTP errors tolerated per message before it is marked failed.
MAX_ATTEMPTS = 5


def _connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=30)
    if config.get("SMTP_TLS"):
        smtp.starttls()
    if config.get("SMTP_USER"):
        smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
    return smtp


def _email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.to_addr
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    email.set_content(message.body)
    return email


def _claim(message_id: int) -> bool:
    """Move one message from pending to sending; False if another run took it first. Commits."""
    claimed = db.session.execute(sa.update(OutboxMessage).where(
        OutboxMessage.id == message_id, OutboxMessage.status == MailStatus.pending,
    ).values(status=MailStatus.sending)).rowcount == 1
    db.session.commit()
    return claimed


def deliver_outbox(now: datetime, limit: int = 500) -> int:
    """Send pending e-mails over SMTP; returns how many were sent. Does nothing without SMTP_HOST."""
    # a message the server refuses counts an attempt and the batch goes on; a lost connection puts the message
    # back and ends the batch (the next run retries)
    if not current_app.config.get("SMTP_HOST"):
        return 0
    ids = db.session.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.status == MailStatus.pending)
                             .order_by(OutboxMessage.id).limit(limit)).all()
    sent = 0
    smtp = None
    try:
        for message_id in ids:
            if not _claim(message_id):
                continue
            message = db.session.get(OutboxMessage, message_id)
            try:
                smtp = smtp or _connect()
                smtp.send_message(_email(message))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
                _failed(message, error)
                continue
            except (OSError, smtplib.SMTPException) as error:
                _failed(message, error)
                break
            message.status, message.sent_at = MailStatus.sent, now
            message.attempts += 1
            db.session.commit()
            sent += 1
    finally:
        _quit(smtp)
    return sent


def _failed(message: OutboxMessage, error: Exception) -> None:
    logger.warning("mail %s to %s not sent: %s", message.id, message.to_addr, error)
    message.attempts += 1
    message.last_error = str(error)[:1000]
    message.status = MailStatus.failed if message.attempts >= MAX_ATTEMPTS else MailStatus.pending
    db.session.commit()


def _quit(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
