"""issued reports: quarterly and annual reports with frozen figures; statistics indexes

An issued report keeps every figure as computed when issued (``figures``)
and the whole report as shown (``snapshot``): later data never changes it.
The indexes serve the statistics queries at 100,000 cases: case steps by
event name and time, steps by time, cases by opening day, deadlines by due day.

Revision ID: 6f1c4429e074
Revises: b516d693bc71
Create Date: 2026-11-28 13:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6f1c4429e074'
down_revision = 'b516d693bc71'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('issued_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('period_kind', sa.String(length=10), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('kinds_key', sa.String(length=400), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("period_kind in ('quarter', 'year', 'custom')", name=op.f('ck_issued_reports_period_kind')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_issued_reports_period_order')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_issued_reports_issued_by_id_users')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_issued_reports_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_reports')),
    sa.UniqueConstraint('org_id', 'period_kind', 'period_start', 'period_end', 'kinds_key', name=op.f('uq_issued_reports_org_id_period_kind_period_start_period_end_kinds_key'))
    )
    with op.batch_alter_table('issued_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_reports_org_id'), ['org_id'], unique=False)
    # Plain CREATE INDEX on both backends: no table is rebuilt (case_events is append-only).
    op.create_index('ix_case_events_event_occurred_at', 'case_events', ['event', 'occurred_at'], unique=False)
    op.create_index('ix_case_events_occurred_at', 'case_events', ['occurred_at'], unique=False)
    op.create_index('ix_cases_opened_on', 'cases', ['opened_on'], unique=False)
    op.create_index('ix_deadlines_due_on', 'deadlines', ['due_on'], unique=False)


def downgrade():
    op.drop_index('ix_deadlines_due_on', table_name='deadlines')
    op.drop_index('ix_cases_opened_on', table_name='cases')
    op.drop_index('ix_case_events_occurred_at', table_name='case_events')
    op.drop_index('ix_case_events_event_occurred_at', table_name='case_events')
    with op.batch_alter_table('issued_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_reports_org_id'))

    op.drop_table('issued_reports')
