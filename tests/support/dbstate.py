"""Every row of every table, to compare a database before and after something that must change nothing."""
import sqlalchemy as sa


def every_row(engine: sa.Engine) -> dict[str, list[tuple]]:
    """{table: its rows as tuples, in a stable order} for every table of the database (alembic_version too)."""
    tables = sorted(sa.inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {name: sorted((tuple(row) for row in conn.execute(sa.text(f'SELECT * FROM "{name}"'))),  # noqa: S608
                             key=repr) for name in tables}


def changed_tables(before: dict, after: dict) -> dict[str, tuple[int, int]]:
    """{table: (rows before, rows after)} for the tables whose contents differ."""
    return {name: (len(before.get(name, [])), len(after.get(name, [])))
            for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)}
