"""denouncer vault: encrypted identities, custodians and reveal requests

The denouncer's identity of a denunciation case is one Fernet token in
denouncer_identities (key from HGKIEMTRA_VAULT_KEY, never in the database),
shown to handlers as a pseudonym. Admins designate custodians over an
organisation (vault_custodians, revoked rows kept); reading an identity takes
a request with a reason approved by a custodian (denouncer_reveal_requests).

Revision ID: 6eaf4e667256
Revises: b3e1c9a4d2f7
Create Date: 2026-11-28 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6eaf4e667256'
down_revision = 'b3e1c9a4d2f7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('denouncer_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=16), nullable=False),
    sa.Column('ciphertext', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_denouncer_identities_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_denouncer_identities_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_denouncer_identities')),
    sa.UniqueConstraint('case_id', name=op.f('uq_denouncer_identities_case_id'))
    )
    op.create_table('vault_custodians',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('designated_by_id', sa.Integer(), nullable=True),
    sa.Column('designated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['designated_by_id'], ['users.id'], name=op.f('fk_vault_custodians_designated_by_id_users')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_vault_custodians_org_id_organisations')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_vault_custodians_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_vault_custodians_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vault_custodians'))
    )
    with op.batch_alter_table('vault_custodians', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vault_custodians_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vault_custodians_user_id'), ['user_id'], unique=False)

    op.create_table('denouncer_reveal_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status in ('pending', 'approved', 'refused', 'revealed')", name=op.f('ck_denouncer_reveal_requests_status')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_denouncer_reveal_requests_case_id_cases')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_denouncer_reveal_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_denouncer_reveal_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_denouncer_reveal_requests'))
    )
    with op.batch_alter_table('denouncer_reveal_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_denouncer_reveal_requests_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('denouncer_reveal_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_denouncer_reveal_requests_case_id'))

    op.drop_table('denouncer_reveal_requests')
    with op.batch_alter_table('vault_custodians', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vault_custodians_user_id'))
        batch_op.drop_index(batch_op.f('ix_vault_custodians_org_id'))

    op.drop_table('vault_custodians')
    op.drop_table('denouncer_identities')
