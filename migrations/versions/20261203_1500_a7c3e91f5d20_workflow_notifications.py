"""workflow notifications once per cause, e-mail choices per kind, automatic extension days on late return

Revision ID: a7c3e91f5d20
Revises: b621212f5fb7
Create Date: 2026-12-03 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e91f5d20'
down_revision = 'b621212f5fb7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_email_choices',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_email_choices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_email_choices'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cause_key', sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint('uq_notifications_user_id_cause_key', ['user_id', 'cause_key'])

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_return_days', sa.Integer(), server_default='5', nullable=False))


def downgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('late_return_days')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint('uq_notifications_user_id_cause_key', type_='unique')
        batch_op.drop_column('cause_key')

    op.drop_table('notification_email_choices')
