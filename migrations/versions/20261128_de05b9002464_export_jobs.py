"""export jobs and risk ranking weights

export_jobs: background exports (kind, filters as JSON, status, progress,
the server-made file name in the storage folder, expiry).
risk_parameters: administrators' values for the risk ranking's weights
(absent names keep their defaults in hgkiemtra.reports.risk).

Revision ID: de05b9002464
Revises: 6f1c4429e074
Create Date: 2026-11-28 13:06:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'de05b9002464'
down_revision = '6f1c4429e074'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('file_name', sa.String(length=100), nullable=True),
    sa.Column('download_name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind in ('cases_xlsx', 'cases_csv', 'report_xlsx', 'report_csv')", name=op.f('ck_export_jobs_kind')),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_export_jobs_progress')),
    sa.CheckConstraint("status in ('queued', 'running', 'done', 'failed', 'expired')", name=op.f('ck_export_jobs_status')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_export_jobs_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs'))
    )
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_jobs_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_jobs_user_id'), ['user_id'], unique=False)

    op.create_table('risk_parameters',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('value >= 0 AND value <= 1000', name=op.f('ck_risk_parameters_value')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_risk_parameters_updated_by_id_users')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_risk_parameters'))
    )


def downgrade():
    op.drop_table('risk_parameters')
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_jobs_user_id'))
        batch_op.drop_index(batch_op.f('ix_export_jobs_expires_at'))
    op.drop_table('export_jobs')
