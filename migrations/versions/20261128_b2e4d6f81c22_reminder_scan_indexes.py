"""reminders: partial index on (due_at, id) of planned rows, for the tick's range scans

Revision ID: b2e4d6f81c22
Revises: a1f3c5e70b11
Create Date: 2026-11-28 16:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b2e4d6f81c22'
down_revision = 'a1f3c5e70b11'
branch_labels = None
depends_on = None

PLANNED = sa.text("status = 'planned'")


def upgrade():
    op.create_index('ix_reminders_planned_due_at', 'reminders', ['due_at', 'id'],
                    postgresql_where=PLANNED, sqlite_where=PLANNED)


def downgrade():
    op.drop_index('ix_reminders_planned_due_at', table_name='reminders')
