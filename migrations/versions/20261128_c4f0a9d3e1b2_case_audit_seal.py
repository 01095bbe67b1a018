"""cases.audit_seal: an HMAC pinning the head of each case's audit chain

The hash chain cannot protect its own end (the newest events could be cut or
rewritten together with the case row); the seal is computed with a key kept
outside the database (HGKIEMTRA_AUDIT_KEY, or derived from the secret key).
Rows from before this revision have no seal: run `hgkiemtra audit seal` once
after upgrading (it checks each chain first and seals only intact ones).

Revision ID: c4f0a9d3e1b2
Revises: de05b9002464
Create Date: 2026-11-28 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f0a9d3e1b2'
down_revision = 'de05b9002464'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_seal', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('audit_seal')
