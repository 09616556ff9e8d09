"""partners reviewed before publication: status, review, a proposed name waiting for the reviewer

Existing partners: a legal entity (10-digit ИНН) was public already and stays published; an individual
entrepreneur (12-digit ИНН: the name is a person's) goes back to the reviewers' queue, unpublished.

Revision ID: 5e3c1d9a7b21
Revises: 953b0ec21540
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e3c1d9a7b21'
down_revision = '953b0ec21540'
branch_labels = None
depends_on = None

STATUS = sa.Enum('proposed', 'published', 'returned', name='partner_status', native_enum=False,
                 create_constraint=True, length=32)


def upgrade():
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', STATUS, nullable=False, server_default='proposed'))
        batch_op.add_column(sa.Column('proposed_name', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('proposed_name_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('review_comment', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_partners_status'), ['status'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_partners_proposed_name_by_id_organizations'), 'organizations',
                                    ['proposed_name_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_partners_reviewed_by_id_users'), 'users', ['reviewed_by_id'],
                                    ['id'])
    partners = sa.table('partners', sa.column('inn', sa.String), sa.column('status', sa.String),
                        sa.column('created_at', sa.DateTime(timezone=True)),
                        sa.column('proposed_at', sa.DateTime(timezone=True)),
                        sa.column('published_at', sa.DateTime(timezone=True)))
    individual = sa.func.length(partners.c.inn) != 10
    op.execute(partners.update().where(sa.not_(individual))
               .values(status='published', published_at=partners.c.created_at))
    op.execute(partners.update().where(individual).values(status='proposed', proposed_at=partners.c.created_at))
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)
        batch_op.alter_column('proposed_name', server_default=None)
        batch_op.alter_column('review_comment', server_default=None)


def downgrade():
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_partners_reviewed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_partners_proposed_name_by_id_organizations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_partners_status'))
        batch_op.drop_constraint(batch_op.f('ck_partners_partner_status'), type_='check')
        batch_op.drop_column('published_at')
        batch_op.drop_column('review_comment')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('proposed_at')
        batch_op.drop_column('proposed_name_by_id')
        batch_op.drop_column('proposed_name')
        batch_op.drop_column('status')
