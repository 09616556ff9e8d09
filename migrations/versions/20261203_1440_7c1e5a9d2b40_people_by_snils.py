"""people of the region by СНИЛС: mentors and mentees point to their person (nullable: records without СНИЛС
stay one person per organization record, as before)

Revision ID: 7c1e5a9d2b40
Revises: de95c3b7c897
Create Date: 2026-12-03 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e5a9d2b40'
down_revision = 'de95c3b7c897'
branch_labels = None
depends_on = None


# SQLite's batch mode rebuilds `mentors`, which drops the triggers keeping its FTS5 search table in step
# (migration 6abbfd08903e): they are created again, the same, after each rebuild.
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
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, body in _FTS_TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute("INSERT INTO mentor_search(mentor_search) VALUES ('rebuild')")


def upgrade():
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('snils', sa.String(length=11), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_people_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('region_id', 'snils', name=op.f('uq_people_region_id'))
    )
    # Existing records carry no СНИЛС: they keep person_id NULL and count as one person each, as before.
    for table in ('mentors', 'mentees'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_person_id'), ['person_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_person_id_people'), 'people', ['person_id'], ['id'])
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_person_id'),
                                              ['person_id', 'organization_id'])
    _restore_search_triggers()


def downgrade():
    for table in ('mentees', 'mentors'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_person_id'), type_='unique')
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_person_id_people'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_person_id'))
            batch_op.drop_column('person_id')
    _restore_search_triggers()
    op.drop_table('people')
