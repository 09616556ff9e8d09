"""Drop the single-column indexes whose column already leads a unique key of the same table (the unique key's
index serves every lookup by that column: «campaign_id = ?» reads uq_submissions_campaign_id as well as it read
ix_submissions_campaign_id). Each was one more index to write on every insert and to weigh in every plan;
tests/test_indexes.py keeps new ones from appearing. ix_mentors_organization_id and ix_mentees_organization_id stay:
beside the unique (organization_id, code) they are the narrow index a region's «keeps records?» probes read (4,000
organizations of the federal benchmark: 5.0–5.2 ms instead of 11.5–12.1).

Revision ID: d41f7b2c9e06
Revises: b8e4f2a61c37
Create Date: 2026-12-06 20:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd41f7b2c9e06'
down_revision = 'b8e4f2a61c37'
branch_labels = None
depends_on = None

#: (table, column): the index is ix_<table>_<column>
COVERED = [
    ("campaigns", "region_id"),
    ("submissions", "campaign_id"),
    ("submission_versions", "submission_id"),
    ("municipal_reports", "campaign_id"),
    ("snapshots", "campaign_id"),
    ("partners", "region_id"),
    ("mentors", "person_id"),
    ("mentees", "person_id"),
    ("mentoring_pairs", "organization_id"),
    ("plans", "campaign_id"),
    ("plan_versions", "plan_id"),
    ("surveys", "campaign_id"),
    ("programmes", "organization_id"),
    ("document_versions", "organization_id"),
    ("mentor_quarterly_reports", "mentor_id"),
    ("mentor_year_evaluations", "mentor_id"),
]


def upgrade():
    for table, column in COVERED:
        op.drop_index(f"ix_{table}_{column}", table_name=table)


def downgrade():
    for table, column in COVERED:
        op.create_index(f"ix_{table}_{column}", table, [column])
