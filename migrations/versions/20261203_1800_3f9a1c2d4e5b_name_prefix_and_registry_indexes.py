"""public search by name prefix (PostgreSQL pattern-ops index on the published sort name); registry indexes of mentors
and mentees (a scope's records in name order with the person and filtered columns; name and birth date for the duplicate hint)

Revision ID: 3f9a1c2d4e5b
Revises: a7c3e91f5d20
Create Date: 2026-12-03 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f9a1c2d4e5b'
down_revision = 'a7c3e91f5d20'
branch_labels = None
depends_on = None


#: the registry page's filters and counted columns, carried in its index so that no row is read for them
INCLUDE = {"mentors": ["person_id", "category", "forms", "left_on"],
           "mentees": ["person_id", "category", "full_cycle_completed", "left_on"]}


def upgrade():
    for table in ("mentors", "mentees"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_registry_order", ["organization_id", "full_name", "id"],
                                  unique=False, postgresql_include=INCLUDE[table])
            batch_op.create_index(f"ix_{table}_birth_name", ["birth_date", "full_name"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # names as people type them: `sort_name LIKE 'ива%'` range-scans this index under any collation
        op.create_index("ix_mentors_name_prefix", "mentors", ["sort_name"],
                        postgresql_ops={"sort_name": "varchar_pattern_ops"}, postgresql_where=sa.text("is_public"))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_mentors_name_prefix", table_name="mentors")
    for table in ("mentees", "mentors"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_birth_name")
            batch_op.drop_index(f"ix_{table}_registry_order")
