"""Statistics summary kept by the database: counted events and phase stays

Revision ID: f1a2b3c4d501
Revises: e5b7a9b14f55
Create Date: 2026-11-28 18:40:00.000000

The statistics page read every case of the scope for each figure (hash joins
over the whole cases table, the phase medians from every event of the cases
touched): ~5-15 s a report at 100,000 cases. Two narrow tables now hold what
it counts, kept by triggers on ``case_events`` and ``cases`` on PostgreSQL
and SQLite alike (``hgkiemtra/reports/summary.py`` has the trigger bodies
and the backfill): ``stat_events`` (each counted event with its case's kind,
subject, organisation and level, vote level, track) and ``stat_phase_stays``
(time per case and phase, and when it was last left). Both are filled here
from the existing rows, set-based. The cases received are counted from
``(opened_on, kind, subject_type, org_id)`` alone, which replaces the plain
``(opened_on)`` index; the deadlines due in a period find their case's kind
and organisation in ``(id, kind, org_id)``.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f1a2b3c4d501'
down_revision = 'e5b7a9b14f55'
branch_labels = None
depends_on = None


def _case_key(table):
    """The foreign key to cases; on PostgreSQL added after the backfill (checked in one
    pass, not row by row while a million rows go in)."""
    if op.get_bind().dialect.name == 'postgresql':
        return ()
    return (sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                    name=op.f(f'fk_{table}_case_id_cases')),)


def upgrade():
    from hgkiemtra.reports import summary

    op.create_table('stat_events',
    sa.Column('event_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('event', sa.String(length=60), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('amount', sa.Numeric(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_member_id', sa.Integer(), nullable=True),
    sa.Column('subject_org_id', sa.Integer(), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('org_level', sa.String(length=20), nullable=False),
    sa.Column('body_level', sa.Text(), nullable=True),
    sa.Column('is_combined', sa.Boolean(), nullable=False),
    *_case_key('stat_events'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_stat_events'))
    )
    op.create_table('stat_phase_stays',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('micros', sa.BigInteger(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_left_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    *_case_key('stat_phase_stays'),
    sa.PrimaryKeyConstraint('case_id', 'phase', name=op.f('pk_stat_phase_stays'))
    )
    connection = op.get_bind()
    if connection.dialect.name == 'postgresql':  # the backfill's window sorts, in memory
        op.execute("SET LOCAL work_mem = '256MB'")
    summary.backfill(connection)
    op.create_index(op.f('ix_stat_events_case_id'), 'stat_events', ['case_id'])
    op.create_index(op.f('ix_stat_events_occurred_at'), 'stat_events', ['occurred_at'])
    op.create_index('ix_stat_phase_stays_left', 'stat_phase_stays', ['last_left_at'],
                    postgresql_include=['phase', 'micros', 'org_id', 'kind'],
                    postgresql_where=sa.text('NOT is_current'),
                    sqlite_where=sa.text('NOT is_current'))
    summary.create_triggers(connection)
    if connection.dialect.name == 'postgresql':
        for table in ('stat_events', 'stat_phase_stays'):
            op.create_foreign_key(op.f(f'fk_{table}_case_id_cases'), table, 'cases',
                                  ['case_id'], ['id'])
        op.execute('ANALYZE stat_events')
        op.execute('ANALYZE stat_phase_stays')
    op.create_index('ix_cases_opened_on_kind', 'cases',
                    ['opened_on', 'kind', 'subject_type', 'org_id'])
    op.create_index('ix_cases_id_kind_org_id', 'cases', ['id', 'kind', 'org_id'])
    op.drop_index('ix_cases_opened_on', table_name='cases')


def downgrade():
    from hgkiemtra.reports import summary

    op.create_index('ix_cases_opened_on', 'cases', ['opened_on'])
    op.drop_index('ix_cases_id_kind_org_id', table_name='cases')
    op.drop_index('ix_cases_opened_on_kind', table_name='cases')
    summary.drop_triggers(op.get_bind())
    op.drop_index('ix_stat_phase_stays_left', table_name='stat_phase_stays')
    op.drop_index(op.f('ix_stat_events_occurred_at'), table_name='stat_events')
    op.drop_index(op.f('ix_stat_events_case_id'), table_name='stat_events')
    op.drop_table('stat_phase_stays')
    op.drop_table('stat_events')
