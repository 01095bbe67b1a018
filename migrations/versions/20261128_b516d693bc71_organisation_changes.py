"""organisation changes: merges, splits, dissolutions and moves, with what moved

organisation_changes holds one row per change (kind, effective date, note,
who recorded it); organisation_change_items lists what it did: organisations
closed or created, children re-established under a new parent, open cases and
members handed to the successor, roles granted there. Organisation rows keep
their path for ever, so the old tree and old cases stay where they were.

Revision ID: b516d693bc71
Revises: 6357b4af57b4
Create Date: 2026-11-28 13:04:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b516d693bc71'
down_revision = '6357b4af57b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind in ('merge', 'split', 'dissolve', 'move')", name=op.f('ck_organisation_changes_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_organisation_changes_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_changes'))
    )
    with op.batch_alter_table('organisation_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_changes_effective_on'), ['effective_on'], unique=False)

    op.create_table('organisation_change_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('change_id', sa.Integer(), nullable=False),
    sa.Column('item_type', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('from_org_id', sa.Integer(), nullable=True),
    sa.Column('to_org_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("item_type in ('closed', 'created', 'moved', 'case', 'member', 'role')", name=op.f('ck_organisation_change_items_item_type')),
    sa.ForeignKeyConstraint(['change_id'], ['organisation_changes.id'], name=op.f('fk_organisation_change_items_change_id_organisation_changes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_org_id'], ['organisations.id'], name=op.f('fk_organisation_change_items_from_org_id_organisations')),
    sa.ForeignKeyConstraint(['to_org_id'], ['organisations.id'], name=op.f('fk_organisation_change_items_to_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_change_items'))
    )
    with op.batch_alter_table('organisation_change_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_change_items_change_id'), ['change_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_change_items_from_org_id'), ['from_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_change_items_to_org_id'), ['to_org_id'], unique=False)


def downgrade():
    with op.batch_alter_table('organisation_change_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_change_items_to_org_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_change_items_from_org_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_change_items_change_id'))

    op.drop_table('organisation_change_items')
    with op.batch_alter_table('organisation_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_changes_effective_on'))

    op.drop_table('organisation_changes')
