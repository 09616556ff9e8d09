"""stored federal forms: one set per frozen snapshot, one row per stored file (EXPORTS_DIR)

Revision ID: ec6ee08de208
Revises: 90e21b2d64cd
Create Date: 2026-11-25 14:15:36.657652

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ec6ee08de208'
down_revision = '90e21b2d64cd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('organization', 'municipality', 'region', name='level', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('form_code', sa.String(length=64), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_form_sets_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['snapshot_id'], ['snapshots.id'], name=op.f('fk_form_sets_snapshot_id_snapshots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_sets')),
    sa.UniqueConstraint('snapshot_id', 'form_code', name=op.f('uq_form_sets_snapshot_id'))
    )
    with op.batch_alter_table('form_sets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_sets_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('stored_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('unit_level', sa.Enum('organization', 'municipality', 'region', name='level', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=False),
    sa.Column('unit_name', sa.String(length=500), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('basis_snapshot_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('stored', 'failed', 'damaged', name='stored_form_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('values_checksum', sa.String(length=64), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['basis_snapshot_id'], ['snapshots.id'], name=op.f('fk_stored_forms_basis_snapshot_id_snapshots')),
    sa.ForeignKeyConstraint(['set_id'], ['form_sets.id'], name=op.f('fk_stored_forms_set_id_form_sets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_forms')),
    sa.UniqueConstraint('set_id', 'unit_code', 'format', name=op.f('uq_stored_forms_set_id'))
    )
    with op.batch_alter_table('stored_forms', schema=None) as batch_op:
        batch_op.create_index('ix_stored_forms_basis', ['basis_snapshot_id', 'unit_code', 'format'], unique=False)


def downgrade():
    with op.batch_alter_table('stored_forms', schema=None) as batch_op:
        batch_op.drop_index('ix_stored_forms_basis')

    op.drop_table('stored_forms')
    with op.batch_alter_table('form_sets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_sets_campaign_id'))

    op.drop_table('form_sets')
