"""case_links: cases opened from other cases, read from both ends

A supervision (or denunciation) that finds signs of violation opens a linked
inspection; a denunciation found correct opens a discipline case; a
complaint against a discipline decision is linked to it. One row per
relation, named from the side that opened the other (spawned_inspection,
discipline_of, complaint_about, escalated_to).

Revision ID: 6cd5b79f0963
Revises: 5569b7678796
Create Date: 2026-11-28 11:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6cd5b79f0963'
down_revision = '5569b7678796'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_case_id', sa.Integer(), nullable=False),
    sa.Column('to_case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('from_case_id <> to_case_id', name=op.f('ck_case_links_distinct_cases')),
    sa.ForeignKeyConstraint(['from_case_id'], ['cases.id'], name=op.f('fk_case_links_from_case_id_cases')),
    sa.ForeignKeyConstraint(['to_case_id'], ['cases.id'], name=op.f('fk_case_links_to_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_links')),
    sa.UniqueConstraint('from_case_id', 'to_case_id', 'kind', name=op.f('uq_case_links_from_case_id_to_case_id_kind'))
    )
    with op.batch_alter_table('case_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_links_from_case_id'), ['from_case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_links_to_case_id'), ['to_case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('case_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_links_to_case_id'))
        batch_op.drop_index(batch_op.f('ix_case_links_from_case_id'))

    op.drop_table('case_links')
