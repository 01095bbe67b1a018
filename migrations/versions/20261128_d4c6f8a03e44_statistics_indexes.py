"""statistics indexes: each case's timeline index-only, and the cases an event period touched

Revision ID: d4c6f8a03e44
Revises: c3d5e7f92d33
Create Date: 2026-11-28 16:00:00.000000

The median days per phase read every event of the cases touched in a period
(seq order, occurred_at, to_state): ``(case_id, seq) INCLUDE (occurred_at,
to_state)`` serves that without visiting the wide event rows. The cases
touched in a period come from ``(occurred_at, case_id)``, which replaces the
plain ``(occurred_at)`` index (its prefix).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4c6f8a03e44'
down_revision = 'c3d5e7f92d33'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_case_events_case_id_seq_timeline', 'case_events', ['case_id', 'seq'],
                    postgresql_include=['occurred_at', 'to_state'])
    op.create_index('ix_case_events_occurred_at_case_id', 'case_events',
                    ['occurred_at', 'case_id'])
    op.drop_index('ix_case_events_occurred_at', table_name='case_events')


def downgrade():
    op.create_index('ix_case_events_occurred_at', 'case_events', ['occurred_at'])
    op.drop_index('ix_case_events_occurred_at_case_id', table_name='case_events')
    op.drop_index('ix_case_events_case_id_seq_timeline', table_name='case_events')
