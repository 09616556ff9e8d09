"""registry indexes of mentors and mentees in name order with the organization (a region's first page of the
registry without merging a run per organization); on PostgreSQL, statistics of how an organization's region,
municipality and reporting line go together (a municipality's scope was estimated at 1/20 of its size)

Revision ID: c4d2e8f1a9b3
Revises: 3f9a1c2d4e5b
Create Date: 2026-12-04 18:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4d2e8f1a9b3'
down_revision = '3f9a1c2d4e5b'
branch_labels = None
depends_on = None


def upgrade():
    for table in ("mentors", "mentees"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_name_order", ["full_name", "id"], unique=False,
                                  postgresql_include=["organization_id"])
    if op.get_bind().dialect.name == "postgresql":
        # the three columns a scope filters organizations by depend on each other: estimated as independent, a
        # municipality's 1,000 organizations looked like 50, and its registry page sorted 75,000 records
        op.execute("CREATE STATISTICS st_organizations_scope (dependencies, mcv) "
                   "ON region_id, location_municipality_id, reports_to FROM organizations")
        op.execute("ANALYZE organizations")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS st_organizations_scope")
    for table in ("mentees", "mentors"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_name_order")
