"""Dashboard at scale: cases per organisation and phase, kept by the transitions

Revision ID: f2b3c4d5e602
Revises: f1a2b3c4d501
Create Date: 2026-11-28 18:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f2b3c4d5e602'
down_revision = 'f1a2b3c4d501'
branch_labels = None
depends_on = None

OPEN = sa.text("phase <> 'closed'")
RUNNING = sa.text("status = 'open' AND paused_since IS NULL")


def upgrade():
    op.create_table('case_phase_counts',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'],
                            name=op.f('fk_case_phase_counts_org_id_organisations')),
    sa.PrimaryKeyConstraint('org_id', 'phase', name=op.f('pk_case_phase_counts'))
    )
    # The counts of the cases already there (cases.phase_counts.recount).
    op.execute('INSERT INTO case_phase_counts (org_id, phase, cases) '
               'SELECT org_id, phase, count(*) FROM cases GROUP BY org_id, phase')
    # Overdue: the open cases and the running deadlines, both in case id order,
    # merged (no hash of every late deadline); due this week probes the first.
    op.create_index('ix_cases_open_id_phase_org', 'cases', ['id', 'phase', 'org_id'],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_deadlines_running_case_id', 'deadlines', ['case_id', 'due_on'],
                    postgresql_where=RUNNING, sqlite_where=RUNNING)


def downgrade():
    op.drop_index('ix_deadlines_running_case_id', table_name='deadlines')
    op.drop_index('ix_cases_open_id_phase_org', table_name='cases')
    op.drop_table('case_phase_counts')
