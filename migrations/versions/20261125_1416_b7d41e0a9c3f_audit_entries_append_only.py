"""audit entries are append-only: the database refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit rows

Revision ID: b7d41e0a9c3f
Revises: ec6ee08de208
Create Date: 2026-11-25 14:15:00

The application's own database role usually owns its tables (it runs the migrations), so grants alone cannot
stop it; triggers do, whatever the role. Only a deliberate act of the owner (DROP/DISABLE TRIGGER, or a
superuser's `SET session_replication_role = replica`, as the test suite's cleanup does) gets past them.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d41e0a9c3f'
down_revision = 'ec6ee08de208'
branch_labels = None
depends_on = None

MESSAGE = "audit_entries is append-only"

POSTGRESQL_UP = f"""
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
"""
POSTGRESQL_DOWN = """
DROP TRIGGER audit_entries_no_truncate ON audit_entries;
DROP TRIGGER audit_entries_no_change ON audit_entries;
DROP FUNCTION audit_entries_append_only();
"""
# SQLite has no roles and no TRUNCATE: anyone who can open the file can do anything; these stop SQL mistakes.
SQLITE_UP = [
    f"CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END",
    f"CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END",
]
SQLITE_DOWN = ["DROP TRIGGER audit_entries_no_delete", "DROP TRIGGER audit_entries_no_update"]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_UP)
    else:
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_DOWN)
    else:
        for statement in SQLITE_DOWN:
            op.execute(statement)
