"""mentor accounts (role `mentor`, users.mentor_id), single-use password links, mentors' quarterly reports and
year-end evaluations

The role is stored as text with a CHECK constraint (not a native enum): the upgrade replaces the role and scope
constraints with ones that admit `mentor`; the downgrade turns mentor accounts into disabled curator
accounts (the append-only audit trail refers to them), then restores them.

Revision ID: b621212f5fb7
Revises: 7c1e5a9d2b40
Create Date: 2026-12-03 14:42:32.767935

"""
from alembic import op
import sqlalchemy as sa

OLD_ROLES = ('admin', 'region_operator', 'municipal_official', 'org_curator')
NEW_ROLES = OLD_ROLES + ('mentor',)
OLD_SCOPE = ("(role = 'admin' AND region_id IS NULL AND municipality_id IS NULL AND organization_id IS NULL)"
             " OR (role = 'region_operator' AND region_id IS NOT NULL AND municipality_id IS NULL"
             " AND organization_id IS NULL)"
             " OR (role = 'municipal_official' AND municipality_id IS NOT NULL AND region_id IS NULL"
             " AND organization_id IS NULL)"
             " OR (role = 'org_curator' AND organization_id IS NOT NULL AND region_id IS NULL"
             " AND municipality_id IS NULL)")
NEW_SCOPE = ("(role = 'admin' AND region_id IS NULL AND municipality_id IS NULL AND organization_id IS NULL)"
             " OR (role = 'region_operator' AND region_id IS NOT NULL AND municipality_id IS NULL"
             " AND organization_id IS NULL)"
             " OR (role = 'municipal_official' AND municipality_id IS NOT NULL AND region_id IS NULL"
             " AND organization_id IS NULL)"
             " OR (role = 'org_curator' AND organization_id IS NOT NULL AND region_id IS NULL"
             " AND municipality_id IS NULL AND mentor_id IS NULL)"
             " OR (role = 'mentor' AND organization_id IS NOT NULL AND mentor_id IS NOT NULL AND region_id IS NULL"
             " AND municipality_id IS NULL)")


def _roles(roles) -> str:
    return "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"


# revision identifiers, used by Alembic.
revision = 'b621212f5fb7'
down_revision = '7c1e5a9d2b40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mentor_quarterly_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('done', sa.Text(), nullable=False),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'returned', 'accepted', name='mentor_report_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f('ck_mentor_quarterly_reports_quarter_range')),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentors.id'], name=op.f('fk_mentor_quarterly_reports_mentor_id_mentors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_mentor_quarterly_reports_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_quarterly_reports')),
    sa.UniqueConstraint('mentor_id', 'year', 'quarter', name=op.f('uq_mentor_quarterly_reports_mentor_id'))
    )
    with op.batch_alter_table('mentor_quarterly_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_quarterly_reports_mentor_id'), ['mentor_id'], unique=False)

    op.create_table('mentor_year_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('process', sa.Text(), nullable=False),
    sa.Column('progress', sa.Text(), nullable=False),
    sa.Column('mentor_work', sa.Text(), nullable=False),
    sa.Column('conclusion', sa.Text(), nullable=False),
    sa.Column('filled_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['filled_by_id'], ['users.id'], name=op.f('fk_mentor_year_evaluations_filled_by_id_users')),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentors.id'], name=op.f('fk_mentor_year_evaluations_mentor_id_mentors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_year_evaluations')),
    sa.UniqueConstraint('mentor_id', 'year', name=op.f('uq_mentor_year_evaluations_mentor_id'))
    )
    with op.batch_alter_table('mentor_year_evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_year_evaluations_mentor_id'), ['mentor_id'], unique=False)

    op.create_table('password_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_password_links_created_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_links_token_hash'))
    )
    with op.batch_alter_table('password_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_links_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mentor_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_mentor_id'), ['mentor_id'])
        batch_op.create_foreign_key(batch_op.f('fk_users_mentor_id_mentors'), 'mentors', ['mentor_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_users_scope_matches_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role'), _roles(NEW_ROLES))
        batch_op.create_check_constraint(batch_op.f('ck_users_scope_matches_role'), NEW_SCOPE)



def downgrade():
    # the old constraints know no mentors: their accounts stay (the audit trail, append-only, refers to them) but
    # become disabled curator accounts of their organization, with every session ended
    op.execute("UPDATE users SET role = 'org_curator', mentor_id = NULL, is_enabled = false, "
               "session_epoch = session_epoch + 1 WHERE role = 'mentor'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_scope_matches_role'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role'), _roles(OLD_ROLES))
        batch_op.create_check_constraint(batch_op.f('ck_users_scope_matches_role'), OLD_SCOPE)
        batch_op.drop_constraint(batch_op.f('fk_users_mentor_id_mentors'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_users_mentor_id'), type_='unique')
        batch_op.drop_column('mentor_id')

    with op.batch_alter_table('password_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_links_user_id'))

    op.drop_table('password_links')
    with op.batch_alter_table('mentor_year_evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_year_evaluations_mentor_id'))

    op.drop_table('mentor_year_evaluations')
    with op.batch_alter_table('mentor_quarterly_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_quarterly_reports_mentor_id'))

    op.drop_table('mentor_quarterly_reports')
