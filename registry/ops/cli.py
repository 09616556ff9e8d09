"""`flask backup create|restore FILE`: copies of the whole database; `flask db grant-app-role ROLE`."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate.cli import db as db_group

from registry.extensions import db
from registry.ops import backup, roles

cli = AppGroup("backup", help="Резервные копии базы данных (SQLite — online backup, PostgreSQL — pg_dump).")


@cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def create(file: Path) -> None:
    """Записать копию всей базы в FILE (согласованный снимок; приложение может работать)."""
    try:
        backup.create(db.engine, file, current_app.config.get("PG_BIN_DIR"))
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Резервная копия записана: {file} ({file.stat().st_size} байт).")


@cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Не спрашивать подтверждения.")
def restore(file: Path, yes: bool) -> None:
    """Заменить всю базу копией из FILE (всё или ничего). Остановите веб-сервер и планировщик на время."""
    target = db.engine.url.render_as_string(hide_password=True)
    if not yes:
        click.confirm(f"Все данные базы {target} будут заменены копией из {file}. Продолжить?", abort=True)
    try:
        backup.restore(db.engine, file, current_app.config.get("PG_BIN_DIR"))
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    db.engine.dispose()  # pooled connections may have seen the old schema
    click.echo(f"База восстановлена из {file}.")


@db_group.command("grant-app-role")
@click.argument("role")
@click.option("--password", envvar="APP_ROLE_PASSWORD", default=None,
              help="Пароль входа (или APP_ROLE_PASSWORD); без него роль создаётся NOLOGIN.")
@with_appcontext
def grant_app_role(role: str, password: str | None) -> None:
    """PostgreSQL: создать роль ROLE для работы приложения (если её нет) и выдать ей только нужные права.

    Запускает владелец таблиц (тот, кто выполняет миграции); повторять после каждого `db upgrade`.
    """
    try:
        tables = roles.grant_app_role(db.engine, role, password)
    except roles.RoleError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Роль {role}: права выданы на {len(tables)} таблиц (audit_entries — только SELECT и INSERT).")
