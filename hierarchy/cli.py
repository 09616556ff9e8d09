"""`flask hierarchy …`: load regions, municipalities and organizations from a file."""
from pathlib import Path

import click
from flask.cli import AppGroup

from hierarchy import services
from hierarchy.importer import ImportRejected
from registry.extensions import db

cli = AppGroup("hierarchy", help="Иерархия: регионы, муниципалитеты, организации.")


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Загрузить иерархию из файла CSV или XLSX (всё или ничего; повторная загрузка ничего не меняет)."""
    try:
        result = services.import_file(file.read_bytes(), filename=file.name, actor=None)
    except ImportRejected as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(result.summary())
