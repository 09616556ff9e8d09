"""`flask seed-demo` (to be filled)."""
import click


@click.command("seed-demo")
def cli() -> None:
    """Загрузить демонстрационные данные Хабаровского края."""
