"""Read helpers: a page listing many units by code names them all in one query, as unit_name names one."""
import sqlalchemy as sa

from hierarchy.queries import unit_name, unit_names
from registry.extensions import db


def test_unit_names_are_unit_name_of_each_code_in_one_statement(world):
    codes = [world.region.code, world.khv.code, world.school.code, "27-GONE"]
    statements = []
    listener = lambda *_args: statements.append(1)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        names = unit_names(codes + codes)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    assert names == {code: unit_name(code) for code in codes}
    assert names["27-GONE"] == "27-GONE" and names[world.school.code] == world.school.name
    assert unit_names([]) == {}
