"""users.session_version: sessions end on logout and on password change

A user's sessions carry the value in their login id; raising it (logout,
password change) makes every session signed with an older value invalid.

Revision ID: df6b9c47a694
Revises: a85e898f2e0b
Create Date: 2026-11-28 10:29:06.777403

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'df6b9c47a694'
down_revision = 'a85e898f2e0b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
