"""mentors and mentees carry their organization's region, kept by the database: the region's registry counts its
records and people from one index instead of joining its 600,000 records to the region's 8,000 organizations

On SQLite a later batch migration of `mentors` or `mentees` rebuilds the table and drops its triggers: it must
create the region triggers again (as this one does the search triggers).

Revision ID: 5e7b2a9c1d84
Revises: c4d2e8f1a9b3
Create Date: 2026-12-05 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e7b2a9c1d84'
down_revision = 'c4d2e8f1a9b3'
branch_labels = None
depends_on = None

TABLES = ("mentors", "mentees")
#: The registry page's filter columns, carried by the region index as by ix_*_registry_order (models/people.py).
INCLUDE = {"mentors": ["category", "forms", "left_on"], "mentees": ["category", "full_cycle_completed", "left_on"]}
REGION_OF = "(SELECT region_id FROM organizations WHERE organizations.id = {row}.organization_id)"

# SQLite's batch mode rebuilds `mentors`, which drops the triggers keeping its FTS5 search table in step
# (migration 6abbfd08903e): they are created again, the same, after the rebuild (as in 7c1e5a9d2b40).
_FTS_TRIGGERS = {
    "mentors_search_ai": "AFTER INSERT ON mentors BEGIN "
                         "INSERT INTO mentor_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "mentors_search_ad": "AFTER DELETE ON mentors BEGIN INSERT INTO mentor_search(mentor_search, rowid, search_text) "
                         "VALUES ('delete', old.id, old.search_text); END",
    "mentors_search_au": "AFTER UPDATE OF search_text ON mentors BEGIN "
                         "INSERT INTO mentor_search(mentor_search, rowid, search_text) "
                         "VALUES ('delete', old.id, old.search_text); "
                         "INSERT INTO mentor_search(rowid, search_text) VALUES (new.id, new.search_text); END",
}


def _restore_search_triggers():
    for name, body in _FTS_TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute("INSERT INTO mentor_search(mentor_search) VALUES ('rebuild')")


def _region_triggers(dialect: str):
    """The region follows the organization: on a new record, on a record moved to another organization (or its
    region written by hand) and on an organization moved to another region. Every path writes through these,
    the app's ORM, Core statements and the benchmarks' COPY alike."""
    if dialect == "postgresql":
        op.execute("CREATE OR REPLACE FUNCTION record_region() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   f"NEW.region_id := {REGION_OF.format(row='NEW')}; RETURN NEW; END $$")
        op.execute("CREATE OR REPLACE FUNCTION organization_region_moved() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   + " ".join(f"UPDATE {t} SET region_id = NEW.region_id WHERE organization_id = NEW.id;" for t in TABLES)
                   + " RETURN NULL; END $$")
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_region BEFORE INSERT OR UPDATE OF organization_id, region_id "
                       f"ON {table} FOR EACH ROW EXECUTE FUNCTION record_region()")
        op.execute("CREATE TRIGGER organizations_region AFTER UPDATE OF region_id ON organizations FOR EACH ROW "
                   "WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id) EXECUTE FUNCTION organization_region_moved()")
        return
    # SQLite's triggers cannot change NEW: the row is corrected right after it is written
    for table in TABLES:
        fix = (f"BEGIN UPDATE {table} SET region_id = {REGION_OF.format(row='new')} WHERE id = new.id; END")
        op.execute(f"CREATE TRIGGER {table}_region_ai AFTER INSERT ON {table} {fix}")
        op.execute(f"CREATE TRIGGER {table}_region_au AFTER UPDATE OF organization_id, region_id ON {table} "
                   f"WHEN new.region_id IS NOT {REGION_OF.format(row='new')} {fix}")
    op.execute("CREATE TRIGGER organizations_region AFTER UPDATE OF region_id ON organizations BEGIN "
               + " ".join(f"UPDATE {t} SET region_id = new.region_id WHERE organization_id = new.id;" for t in TABLES)
               + " END")


def upgrade():
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_region_id_regions'), 'regions', ['region_id'], ['id'])
    if dialect == "sqlite":
        _restore_search_triggers()
    for table in TABLES:
        op.execute(f"UPDATE {table} SET region_id = {REGION_OF.format(row=table)}")
        op.create_index(f"ix_{table}_region_person", table, ["region_id", "person_id"], unique=False,
                        postgresql_include=INCLUDE[table])
        # the name-order walk of a region's first page checks the region from the index, as it did the organization,
        # and a name search counts records and people from it
        op.drop_index(f"ix_{table}_name_order", table_name=table)
        op.create_index(f"ix_{table}_name_order", table, ["full_name", "id"], unique=False,
                        postgresql_include=["organization_id", "region_id", "person_id"])
    _region_triggers(dialect)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER organizations_region ON organizations")
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_region ON {table}")
        op.execute("DROP FUNCTION organization_region_moved()")
        op.execute("DROP FUNCTION record_region()")
    else:
        op.execute("DROP TRIGGER organizations_region")
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_region_ai")
            op.execute(f"DROP TRIGGER {table}_region_au")
    for table in reversed(TABLES):
        op.drop_index(f"ix_{table}_name_order", table_name=table)
        op.create_index(f"ix_{table}_name_order", table, ["full_name", "id"], unique=False,
                        postgresql_include=["organization_id"])
        op.drop_index(f"ix_{table}_region_person", table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_region_id_regions'), type_='foreignkey')
            batch_op.drop_column('region_id')
    if dialect == "sqlite":
        _restore_search_triggers()
