"""case list keyset indexes: (sort key, id) per sort, trigram search, dashboard partial indexes

Revision ID: c3d5e7f92d33
Revises: b2e4d6f81c22
Create Date: 2026-11-28 16:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c3d5e7f92d33'
down_revision = 'b2e4d6f81c22'
branch_labels = None
depends_on = None

# One per sort the case list offers (the id sorts use the primary key), and the
# dashboard's "cases in a state / phase, oldest update first" panels.
BTREES = {
    'ix_cases_updated_at_id': ['updated_at', 'id'],
    'ix_cases_opened_on_id': ['opened_on', 'id'],
    'ix_cases_title_id': ['title', 'id'],
    'ix_cases_state_updated_at': ['state', 'updated_at', 'id'],
    'ix_cases_phase_updated_at': ['phase', 'updated_at', 'id'],
}
TRGM = 'ix_cases_search_text_trgm'
# The dashboard's per-phase counts of open cases in scope, and of those with a
# running deadline late or due this week: both sides read from the index alone.
OPEN = sa.text("phase <> 'closed'")
RUNNING = sa.text("status = 'open' AND paused_since IS NULL")


def _has_trgm(bind) -> bool:
    return bind.execute(sa.text(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first() is not None


def upgrade():
    for name, columns in BTREES.items():
        op.create_index(name, 'cases', columns)
    op.create_index('ix_cases_open_phase_org', 'cases', ['phase', 'org_id', 'id'],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_deadlines_running_due_on', 'deadlines', ['due_on', 'case_id'],
                    postgresql_where=RUNNING, sqlite_where=RUNNING)
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql' and _has_trgm(bind):
        # search_text is already folded (lower case, no accents): a trigram index
        # serves its LIKE '%...%' directly.
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.create_index(TRGM, 'cases', ['search_text'], postgresql_using='gin',
                        postgresql_ops={'search_text': 'gin_trgm_ops'})
    else:
        # SQLite (or no pg_trgm): a plain index of the same name keeps the schema
        # equal to the models; the search falls back to scanning.
        op.create_index(TRGM, 'cases', ['search_text'])


def downgrade():
    op.drop_index(TRGM, table_name='cases')
    op.drop_index('ix_deadlines_running_due_on', table_name='deadlines')
    op.drop_index('ix_cases_open_phase_org', table_name='cases')
    for name in reversed(list(BTREES)):
        op.drop_index(name, table_name='cases')
