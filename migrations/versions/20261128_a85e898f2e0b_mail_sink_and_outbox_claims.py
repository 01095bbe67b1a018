"""mail sink; outbox claims ('sending' status, claimed_at, next_attempt_at)

sink_mails keeps the mail written when no SMTP server is configured, for an
administrator to read. Outbox rows gain a 'sending' status (a deliverer's
claim, taken and committed before the mail leaves), the time of that claim
(a stale claim is re-queued) and the earliest time of the next attempt
(backoff after a failure).

Revision ID: a85e898f2e0b
Revises: 44b81ad28959
Create Date: 2026-11-28 10:12:34.306220

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a85e898f2e0b'
down_revision = '44b81ad28959'
branch_labels = None
depends_on = None

OLD_STATUSES = "status in ('pending', 'sent', 'failed')"
NEW_STATUSES = "status in ('pending', 'sending', 'sent', 'failed')"


def upgrade():
    op.create_table('sink_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outbox_key', sa.String(length=255), nullable=False),
    sa.Column('to_addr', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sink_mails')),
    sa.UniqueConstraint('outbox_key', name=op.f('uq_sink_mails_outbox_key'))
    )
    with op.batch_alter_table('sink_mails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sink_mails_created_at'), ['created_at'], unique=False)

    # On SQLite the batch recreates the table; elsewhere these are plain ALTERs.
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_messages_status'), NEW_STATUSES)


def downgrade():
    # A claim in flight becomes pending again (at-least-once, as on a crash).
    op.execute("UPDATE outbox_messages SET status = 'pending' WHERE status = 'sending'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_messages_status'), OLD_STATUSES)
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('claimed_at')

    with op.batch_alter_table('sink_mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sink_mails_created_at'))

    op.drop_table('sink_mails')
