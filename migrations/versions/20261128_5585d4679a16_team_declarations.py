"""team_declarations: conflict-of-interest declarations of case team members

Each member of an inspection team (đoàn kiểm tra) declares whether they have
a conflict of interest with the case; one row per person and case (the audit
trail keeps every earlier declaration).

Revision ID: 5585d4679a16
Revises: 7a78ee38c26d
Create Date: 2026-11-28 13:02:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5585d4679a16'
down_revision = '7a78ee38c26d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('team_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_team_declarations_case_id_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_team_declarations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_declarations')),
    sa.UniqueConstraint('case_id', 'user_id', name=op.f('uq_team_declarations_case_id_user_id'))
    )
    with op.batch_alter_table('team_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_declarations_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_declarations_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('team_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_declarations_user_id'))
        batch_op.drop_index(batch_op.f('ix_team_declarations_case_id'))

    op.drop_table('team_declarations')
