"""`flask mentoring …`: maintenance of the records' public projection."""
import click
import sqlalchemy as sa
from flask.cli import AppGroup

from registry.extensions import db
from registry.mentoring import publication
from registry.mentoring.models import Consent, Mentor

cli = AppGroup("mentoring", help="Персонифицированный учёт и открытый реестр наставников.")


@cli.command("reindex")
def reindex_command() -> None:
    """Пересобрать публичные сведения наставников (после переименования организаций или муниципалитетов)."""
    ids = db.session.scalars(sa.select(Mentor.id).where(
        sa.or_(Mentor.is_public.is_(True), Mentor.id.in_(sa.select(Consent.mentor_id).where(
            Consent.mentor_id.is_not(None), Consent.withdrawn_at.is_(None)))))).all()
    for mentor_id in ids:
        publication.refresh(db.session.get(Mentor, mentor_id))
    db.session.commit()
    click.echo(f"Пересобрано записей: {len(ids)}.")
