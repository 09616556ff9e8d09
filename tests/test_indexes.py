"""Every index of the migrated schema earns its writes: none repeats the leading columns of another key of its table.

A plain index on (a) beside a unique key on (a, b) serves no lookup the unique key's index does not serve, and it is
one more index to write on every insert and to weigh in every plan (`mapped_column(ForeignKey(...), index=True)` on
a column that already leads a UniqueConstraint makes one). Read back from the database by SQLAlchemy's inspector, so
the check holds for both engines the suite runs on.
"""
import pytest
import sqlalchemy as sa

#: Indexes kept beside a key that leads with the same columns, and why (measured on bench.federal_pages' dataset).
KEPT = {
    # a narrow (organization_id) index beside the unique (organization_id, code): registry.mentoring.queries._having
    # probes it once per organization of a region (4,000): 5.0–5.2 ms instead of 11.5–12.1 through the wider unique
    # key (`python -m bench.single_pages … --page operator@example.ru /campaigns/27/2027/ --explain`, with the index
    # and without it). PostgreSQL costs the two alike and reads the one made later: after the migrations, this one.
    "mentors.ix_mentors_organization_id": "registry.mentoring.queries._having",
    "mentees.ix_mentees_organization_id": "registry.mentoring.queries._having",
}


def _keys(inspector: sa.Inspector, table: str) -> list[tuple[str, tuple[str, ...], bool]]:
    """(name, key columns, whether it is a plain index) of the table's B-tree keys: primary key, unique constraints
    and indexes. Partial, expression, operator-class and non-B-tree indexes are left out: they serve other reads."""
    keys = []
    primary = inspector.get_pk_constraint(table)
    if primary["constrained_columns"]:
        keys.append((primary["name"] or "primary key", tuple(primary["constrained_columns"]), False))
    keys += [(u["name"], tuple(u["column_names"]), False) for u in inspector.get_unique_constraints(table)]
    for index in inspector.get_indexes(table):
        options = index.get("dialect_options", {})
        if (any(options.get(name) for name in ("postgresql_where", "sqlite_where", "postgresql_ops"))
                or options.get("postgresql_using", "btree") != "btree" or None in index["column_names"]):
            continue
        keys.append((index["name"], tuple(index["column_names"]), not index["unique"]))
    return keys


def covered_indexes(engine: sa.Engine, tables: list[str] | None = None) -> list[str]:
    """«table.index ⊂ other key» for every plain index whose columns lead another key of its table (but KEPT)."""
    inspector = sa.inspect(engine)
    found = []
    for table in tables or inspector.get_table_names():
        keys = _keys(inspector, table)
        for name, columns, plain in keys:
            if not plain or f"{table}.{name}" in KEPT:
                continue
            covering = [other for other, wider, _ in keys if other != name and wider[:len(columns)] == columns]
            if covering:
                found.append(f"{table}.{name} ⊂ {covering[0]}")
    return sorted(found)


@pytest.fixture
def engine(app):
    """The test database through an engine of its own, a new connection per use. Through the app's pooled
    connections, SQLite's reflection of a table made a moment before missed its unique key in the full suite (not
    when this file ran alone); through new connections it finds it every time."""
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


def test_no_index_repeats_the_head_of_another_key(engine):
    assert covered_indexes(engine) == []
    inspector = sa.inspect(engine)
    present = {f"{table}.{index['name']}" for table in inspector.get_table_names()
               for index in inspector.get_indexes(table)}
    assert set(KEPT) <= present  # an exception names an index that exists


def test_the_check_finds_an_index_a_unique_key_covers(engine):
    """The check itself can fail: a table with an index on (a) and a unique key on (a, b) is reported, and one whose
    index is on (b) is not."""
    metadata = sa.MetaData(naming_convention={"ix": "ix_%(table_name)s_%(column_0_name)s",
                                              "uq": "uq_%(table_name)s_%(column_0_name)s"})
    sa.Table("index_check_covered", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("a", sa.Integer, index=True), sa.Column("b", sa.Integer), sa.UniqueConstraint("a", "b"))
    sa.Table("index_check_needed", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("a", sa.Integer), sa.Column("b", sa.Integer, index=True), sa.UniqueConstraint("a", "b"))
    metadata.create_all(engine)
    try:
        assert covered_indexes(engine, ["index_check_covered", "index_check_needed"]) == [
            "index_check_covered.ix_index_check_covered_a ⊂ uq_index_check_covered_a"]
    finally:
        metadata.drop_all(engine)
