"""deadline rule sets, extensions, pauses; reminders and their policy

deadlines gain the rule set in force on their anchor date and a pause clock
(paused_since, paused_days); deadline_extensions and deadline_pauses keep the
history of each change; rule_parameters holds an administrator's values for
unconfirmed rules per rule set. reminders is the schedule the beat tick reads
(status, due_at), reminder_policies the admin-configurable policy per
recipient role (seeded with the defaults), and users.reminder_mode chooses
immediate mails or a daily digest. Deadlines opened before this revision
have no reminders until `hgkiemtra reminders replan` runs.

Revision ID: 5569b7678796
Revises: df6b9c47a694
Create Date: 2026-11-28 10:40:22.584827

"""
from alembic import op
import sqlalchemy as sa
from datetime import datetime, timezone


# revision identifiers, used by Alembic.
revision = '5569b7678796'
down_revision = 'df6b9c47a694'
branch_labels = None
depends_on = None


def upgrade():
    policies = op.create_table('reminder_policies',
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('offsets_before', sa.JSON(), nullable=False),
    sa.Column('on_the_day', sa.Boolean(), nullable=False),
    sa.Column('overdue_every_days', sa.Integer(), nullable=False),
    sa.Column('escalate_after_days', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role in ('leader', 'member', 'directing', 'chair')", name=op.f('ck_reminder_policies_role')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_reminder_policies_updated_by_id_users')),
    sa.PrimaryKeyConstraint('role', name=op.f('pk_reminder_policies'))
    )
    op.create_table('rule_parameters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workflow_name', sa.String(length=60), nullable=False),
    sa.Column('rule', sa.String(length=60), nullable=False),
    sa.Column('rule_set', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('is_confirmed', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("unit in ('calendar_days', 'working_days', 'months')", name=op.f('ck_rule_parameters_unit')),
    sa.CheckConstraint('amount >= 0 AND amount <= 3650', name=op.f('ck_rule_parameters_amount')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_rule_parameters_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_parameters')),
    sa.UniqueConstraint('workflow_name', 'rule', 'rule_set', name=op.f('uq_rule_parameters_workflow_name_rule_rule_set'))
    )
    op.create_table('deadline_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('old_due_on', sa.Date(), nullable=False),
    sa.Column('new_due_on', sa.Date(), nullable=False),
    sa.Column('decision_reference', sa.String(length=200), nullable=False),
    sa.Column('approver_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('new_due_on > old_due_on', name=op.f('ck_deadline_extensions_later')),
    sa.ForeignKeyConstraint(['approver_id'], ['users.id'], name=op.f('fk_deadline_extensions_approver_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_deadline_extensions_created_by_id_users')),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadlines.id'], name=op.f('fk_deadline_extensions_deadline_id_deadlines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_extensions'))
    )
    with op.batch_alter_table('deadline_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_extensions_deadline_id'), ['deadline_id'], unique=False)

    op.create_table('deadline_pauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('paused_on', sa.Date(), nullable=False),
    sa.Column('resumed_on', sa.Date(), nullable=True),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('resume_note', sa.Text(), nullable=False),
    sa.Column('paused_by_id', sa.Integer(), nullable=True),
    sa.Column('resumed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadlines.id'], name=op.f('fk_deadline_pauses_deadline_id_deadlines')),
    sa.ForeignKeyConstraint(['paused_by_id'], ['users.id'], name=op.f('fk_deadline_pauses_paused_by_id_users')),
    sa.ForeignKeyConstraint(['resumed_by_id'], ['users.id'], name=op.f('fk_deadline_pauses_resumed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_pauses'))
    )
    with op.batch_alter_table('deadline_pauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_pauses_deadline_id'), ['deadline_id'], unique=False)

    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cancel_reason', sa.String(length=40), nullable=False),
    sa.Column('outbox_key', sa.String(length=255), nullable=True),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind in ('before', 'on_day', 'overdue', 'escalation')", name=op.f('ck_reminders_kind')),
    sa.CheckConstraint("status in ('planned', 'queued', 'cancelled')", name=op.f('ck_reminders_status')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_reminders_case_id_cases')),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadlines.id'], name=op.f('fk_reminders_deadline_id_deadlines')),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_reminders_recipient_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('deadline_id', 'kind', 'offset_days', 'recipient_id', 'due_on', name=op.f('uq_reminders_deadline_id_kind_offset_days_recipient_id_due_on'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_deadline_id'), ['deadline_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_outbox_key'), ['outbox_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index('ix_reminders_status_due_at', ['status', 'due_at'], unique=False)

    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rule_set', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('paused_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('paused_days', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_mode', sa.String(length=10), server_default='immediate', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_users_reminder_mode'), "reminder_mode in ('immediate', 'digest')"
        )

    _seed_policies(policies)


def _seed_policies(policies):
    now = datetime.now(timezone.utc)
    team = dict(offsets_before=[7, 3, 1], on_the_day=True, overdue_every_days=3,
                escalate_after_days=1, updated_at=now)
    op.bulk_insert(policies, [
        dict(role='leader', **team),
        dict(role='member', **team),
        dict(role='directing', **team),
        dict(role='chair', offsets_before=[], on_the_day=False, overdue_every_days=3,
             escalate_after_days=1, updated_at=now),
    ])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_reminder_mode'), type_='check')
        batch_op.drop_column('reminder_mode')

    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_column('paused_days')
        batch_op.drop_column('paused_since')
        batch_op.drop_column('rule_set')

    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_status_due_at')
        batch_op.drop_index(batch_op.f('ix_reminders_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_reminders_outbox_key'))
        batch_op.drop_index(batch_op.f('ix_reminders_deadline_id'))
        batch_op.drop_index(batch_op.f('ix_reminders_case_id'))

    op.drop_table('reminders')
    with op.batch_alter_table('deadline_pauses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_pauses_deadline_id'))

    op.drop_table('deadline_pauses')
    with op.batch_alter_table('deadline_extensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_extensions_deadline_id'))

    op.drop_table('deadline_extensions')
    op.drop_table('rule_parameters')
    op.drop_table('reminder_policies')
