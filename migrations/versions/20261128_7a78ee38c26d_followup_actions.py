"""followup actions: what a conclusion requires, with owner, due date and status

Each conclusion lists required actions (self-criticism, remedy, recovery of
money in VND, discipline, other) with the one responsible (a user and/or an
organisation) and a due date; an action is open until done (with a note and
the amount recovered) or waived by the chair (with a reason). While one is
open the case cannot close.

Revision ID: 7a78ee38c26d
Revises: 6eaf4e667256
Create Date: 2026-11-28 13:01:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a78ee38c26d'
down_revision = '6eaf4e667256'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('followup_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('owner_org_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount_vnd', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_note', sa.Text(), nullable=False),
    sa.Column('recovered_vnd', sa.BigInteger(), nullable=True),
    sa.Column('waived_reason', sa.Text(), nullable=False),
    sa.Column('waived_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind in ('self_criticism', 'remedy', 'recovery', 'discipline', 'other')",
                       name=op.f('ck_followup_actions_kind')),
    sa.CheckConstraint("status in ('open', 'done', 'waived')",
                       name=op.f('ck_followup_actions_status')),
    sa.CheckConstraint('owner_user_id IS NOT NULL OR owner_org_id IS NOT NULL',
                       name=op.f('ck_followup_actions_owner_present')),
    sa.CheckConstraint("(kind = 'recovery' AND amount_vnd > 0) OR "
                       "(kind <> 'recovery' AND amount_vnd IS NULL)",
                       name=op.f('ck_followup_actions_amount_for_recovery')),
    sa.CheckConstraint('recovered_vnd IS NULL OR recovered_vnd >= 0',
                       name=op.f('ck_followup_actions_recovered')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                            name=op.f('fk_followup_actions_case_id_cases')),
    sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'],
                            name=op.f('fk_followup_actions_owner_user_id_users')),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organisations.id'],
                            name=op.f('fk_followup_actions_owner_org_id_organisations')),
    sa.ForeignKeyConstraint(['waived_by_user_id'], ['users.id'],
                            name=op.f('fk_followup_actions_waived_by_user_id_users')),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'],
                            name=op.f('fk_followup_actions_created_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_actions'))
    )
    with op.batch_alter_table('followup_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_actions_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_followup_actions_status_due_on', ['status', 'due_on'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('followup_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_followup_actions_status_due_on')
        batch_op.drop_index(batch_op.f('ix_followup_actions_case_id'))

    op.drop_table('followup_actions')
