"""Translatable stored texts: message parts next to deadline explanations and job/item errors

Revision ID: e5b7a9b14f55
Revises: d4c6f8a03e44
Create Date: 2026-11-28 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b7a9b14f55'
down_revision = 'd4c6f8a03e44'
branch_labels = None
depends_on = None

# Older rows keep NULL: their Vietnamese text cannot be taken apart again,
# so they go on showing it as stored.
COLUMNS = (
    ("deadlines", "explanation_parts"),
    ("export_jobs", "error_parts"),
    ("programme_items", "open_error_parts"),
)


def upgrade():
    for table, column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.JSON(), nullable=True))


def downgrade():
    for table, column in reversed(COLUMNS):
        op.drop_column(table, column)
