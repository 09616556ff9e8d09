"""`flask users …`: manage accounts from the command line."""
import click
import sqlalchemy as sa
from flask.cli import AppGroup

from registry.auth import services
from registry.auth.models import Role, User
from registry.core.errors import DomainError
from registry.extensions import db

cli = AppGroup("users", help="Учётные записи пользователей.")


@cli.command("create")
@click.option("--email", required=True, help="Адрес электронной почты (логин).")
@click.option("--password", required=True, help="Пароль, не короче 8 символов.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="Роль.")
@click.option("--scope", default=None, help="Код региона, муниципалитета или организации (кроме admin).")
@click.option("--name", "full_name", default="", help="ФИО.")
def create(email: str, password: str, role: str, scope: str | None, full_name: str) -> None:
    """Создать пользователя с ролью в пределах подразделения."""
    try:
        user = services.create_user(email=email, password=password, role=role, scope=scope, full_name=full_name)
    except DomainError as exc:
        details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.fields.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from exc
    db.session.commit()
    click.echo(f"Создан пользователь {user.email} ({user.role.value}{', ' + scope if scope else ''}).")


@cli.command("unlock")
@click.option("--email", required=True, help="Адрес электронной почты учётной записи.")
def unlock(email: str) -> None:
    """Снять ограничение неудачных входов с учётной записи (счётчики в RATELIMIT_STORAGE_URL; с memory:// у
    каждого процесса свои — тогда снимайте на странице «Пользователи»)."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"Пользователь {email} не найден.")
    services.clear_login_failures(user, actor=None)
    db.session.commit()
    click.echo(f"Ограничение неудачных входов для {user.email} снято.")
