"""Reminders at scale: fewer, smaller indexes on the rows the tick rewrites

Every reminder the tick queues is rewritten (a new row version, so one entry
in each of its indexes), and repeats add rows: every index is paid for per
reminder. This revision drops the three the application never needs:

- ix_reminders_outbox_key: a full index of long keys, used only to find the
  digest items not yet in a digest (``outbox_key IS NULL``), which it did by
  walking every planned row too; replaced by the small partial index
  ix_reminders_digest_pending (queued rows waiting for a digest only);
- ix_reminders_deadline_id: the unique constraint's index leads with
  deadline_id and serves the same lookups;
- ix_reminders_status_due_at: the partial index ix_reminders_planned_due_at
  serves every query by status and due time (all are on planned rows).

Revision ID: f3c4d5e6f703
Revises: f2b3c4d5e602
Create Date: 2026-11-28 18:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3c4d5e6f703'
down_revision = 'f2b3c4d5e602'
branch_labels = None
depends_on = None

DIGEST_PENDING = sa.text("status = 'queued' AND outbox_key IS NULL")


def upgrade():
    op.create_index('ix_reminders_digest_pending', 'reminders', ['recipient_id'],
                    postgresql_where=DIGEST_PENDING, sqlite_where=DIGEST_PENDING)
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_status_due_at')
        batch_op.drop_index(batch_op.f('ix_reminders_outbox_key'))
        batch_op.drop_index(batch_op.f('ix_reminders_deadline_id'))


def downgrade():
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_deadline_id'), ['deadline_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_outbox_key'), ['outbox_key'],
                              unique=False)
        batch_op.create_index('ix_reminders_status_due_at', ['status', 'due_at'], unique=False)
    op.drop_index('ix_reminders_digest_pending', table_name='reminders')
