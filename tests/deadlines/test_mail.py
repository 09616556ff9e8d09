"""E-mail goes through a real SMTP server when one is configured, and to the outbox table otherwise."""
from datetime import datetime

from registry.extensions import db
from registry.notify.models import MailStatus
from scheduler import jobs
from tests import factories
from tests.deadlines.conftest import free_port, outbox

Y = factories.YEAR
REMINDER_AT = datetime.fromisoformat(f"{Y}-10-14T09:00:00+10:00")  # 7 days before 20 October


def test_reminders_arrive_over_smtp_once(world, smtp):
    """A tick delivers each reminder to the SMTP server in Russian; a second tick delivers nothing more."""
    counts = jobs.run_due(REMINDER_AT)
    assert counts["mail-sent"] == 4
    jobs.run_due(REMINDER_AT)
    assert len(smtp.messages) == 4
    [mail] = smtp.to("curator@example.ru")
    assert mail["From"] == "registry@example.ru"
    assert mail["Subject"].startswith("Напоминание: отчёт организации о показателях наставничества — срок 20 октября")
    body = mail.get_content()
    assert "Школа № 1 г. Хабаровска (27-KHV-S1)" in body
    assert f"Приём закроется 21 октября {Y} г., 00:00 по времени Владивостока" in body
    assert f"http://127.0.0.1:5000/campaigns/27/{Y}/submissions/27-KHV-S1" in body
    assert {m.status for m in outbox()} == {MailStatus.sent}


def test_links_use_base_url(world, smtp, config):
    config(BASE_URL="https://cmn.example.ru/")
    jobs.run_due(REMINDER_AT)
    assert f"https://cmn.example.ru/campaigns/27/{Y}/submissions/27-KHV-S1" in smtp.to("curator@example.ru")[0] \
        .get_content()


def test_without_smtp_mail_is_kept_in_the_outbox(world, config):
    config(SMTP_HOST=None)
    counts = jobs.run_due(REMINDER_AT)
    assert counts["mail-sent"] == 0
    kept = outbox("curator@example.ru")
    assert [m.status for m in kept] == [MailStatus.kept]
    assert "Школа № 1 г. Хабаровска" in kept[0].body


def test_kept_mail_is_not_sent_when_smtp_is_configured_later(world, config, smtp_server):
    """The outbox of an unconfigured demo is not flushed onto a server configured later."""
    config(SMTP_HOST=None)
    jobs.run_due(REMINDER_AT)
    inbox, port = smtp_server
    config(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    jobs.run_due(REMINDER_AT)
    assert inbox.messages == []


def test_unreachable_server_is_retried_on_the_next_run(world, config, smtp_server):
    """SMTP down: the message stays pending with the error noted; the next run delivers it, once."""
    config(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_TLS=False, SMTP_USER=None)
    jobs.run_due(REMINDER_AT)
    pending = outbox()
    assert {m.status for m in pending} == {MailStatus.pending}
    assert pending[0].attempts == 1 and pending[0].last_error
    assert all(m.attempts == 0 for m in pending[1:])  # the batch stopped at the first lost connection
    inbox, port = smtp_server
    config(SMTP_PORT=port)
    assert jobs.run_due(REMINDER_AT)["mail-sent"] == 4
    assert len(inbox.messages) == 4
    db.session.expire_all()
    assert {m.status for m in outbox()} == {MailStatus.sent}
