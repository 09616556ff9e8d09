"""partner kinds may be unknown (NULL, asked on the partner's page); a municipality's own number of enterprises per
campaign (the denominator of its R9, PRODUCT.md §8)

Existing partners keep the kind chosen when they were registered (it was a required choice, so it is known); the
column only becomes nullable, so a partner whose kind is not known stays NULL — it is asked for on the partner's
page and not counted in R9 — instead of being guessed. The downgrade has to restore NOT NULL: partners still of
unknown kind become 'other' (a kind that is not counted in R9 either).

Revision ID: 953b0ec21540
Revises: 75abdb95f866
Create Date: 2026-12-03 11:45:10.096228

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '953b0ec21540'
down_revision = '75abdb95f866'
branch_labels = None
depends_on = None

KINDS = ('enterprise', 'ngo', 'culture_sport', 'university', 'other')


def _kind(nullable: bool) -> dict:
    return dict(existing_type=sa.Enum(*KINDS, name='partner_kind', native_enum=False, create_constraint=True,
                                      length=32), nullable=nullable)


def upgrade():
    op.create_table('campaign_municipalities',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('enterprises_total', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('enterprises_total >= 0', name=op.f('ck_campaign_municipalities_enterprises_not_negative')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_municipalities_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_campaign_municipalities_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('campaign_id', 'municipality_id', name=op.f('pk_campaign_municipalities'))
    )
    with op.batch_alter_table('campaign_municipalities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_municipalities_municipality_id'), ['municipality_id'], unique=False)

    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.alter_column('kind', **_kind(True))


def downgrade():
    op.execute("UPDATE partners SET kind = 'other' WHERE kind IS NULL")
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.alter_column('kind', **_kind(False))

    with op.batch_alter_table('campaign_municipalities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_municipalities_municipality_id'))

    op.drop_table('campaign_municipalities')
