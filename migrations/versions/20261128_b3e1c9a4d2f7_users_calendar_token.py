"""users.calendar_token: the secret in a user's iCalendar feed address

Calendar apps cannot sign in, so the feed (/calendar/<token>.ics) is found by
this random token; a user may regenerate it (the old address stops working)
or turn the feed off (NULL).

Revision ID: b3e1c9a4d2f7
Revises: 6cd5b79f0963
Create Date: 2026-11-28 11:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3e1c9a4d2f7'
down_revision = '6cd5b79f0963'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_users_calendar_token', ['calendar_token'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('uq_users_calendar_token', type_='unique')
        batch_op.drop_column('calendar_token')
