"""programmes and targets

programmes: a committee's annual inspection / supervision programme (one per
organisation, year and kind; draft until its chair approves it);
programme_items: the planned cases (subject, content, quarter, responsible
committee member), each opening its case once, when its quarter starts
(case_id unique); annual_targets: per organisation and year, the share of
members to supervise and to inspect, in percent.

Revision ID: 6357b4af57b4
Revises: 5585d4679a16
Create Date: 2026-11-28 13:03:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6357b4af57b4'
down_revision = '5585d4679a16'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('year >= 2000 AND year <= 2100', name=op.f('ck_programmes_year')),
    sa.CheckConstraint("kind in ('inspection', 'supervision', 'combined')", name=op.f('ck_programmes_kind')),
    sa.CheckConstraint("status in ('draft', 'approved')", name=op.f('ck_programmes_status')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_programmes_org_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_programmes_created_by_id_users')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_programmes_approved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('org_id', 'year', 'kind', name=op.f('uq_programmes_org_id_year_kind'))
    )
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programmes_org_id'), ['org_id'], unique=False)

    op.create_table('programme_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('case_kind', sa.String(length=40), nullable=False),
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_member_id', sa.Integer(), nullable=True),
    sa.Column('subject_org_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.String(length=500), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('responsible_user_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('open_error', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quarter >= 1 AND quarter <= 4', name=op.f('ck_programme_items_quarter')),
    sa.CheckConstraint("subject_type in ('member', 'organisation')", name=op.f('ck_programme_items_subject_type')),
    sa.CheckConstraint("(subject_type = 'member' AND subject_member_id IS NOT NULL) OR "
                       "(subject_type = 'organisation' AND subject_org_id IS NOT NULL)",
                       name=op.f('ck_programme_items_subject_present')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_items_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_member_id'], ['members.id'], name=op.f('fk_programme_items_subject_member_id_members')),
    sa.ForeignKeyConstraint(['subject_org_id'], ['organisations.id'], name=op.f('fk_programme_items_subject_org_id_organisations')),
    sa.ForeignKeyConstraint(['responsible_user_id'], ['users.id'], name=op.f('fk_programme_items_responsible_user_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_programme_items_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_programme_items_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_items')),
    sa.UniqueConstraint('case_id', name=op.f('uq_programme_items_case_id'))
    )
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_items_programme_id'), ['programme_id'], unique=False)

    op.create_table('annual_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('supervised_share', sa.Integer(), nullable=False),
    sa.Column('inspected_share', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('year >= 2000 AND year <= 2100', name=op.f('ck_annual_targets_year')),
    sa.CheckConstraint('supervised_share >= 0 AND supervised_share <= 100', name=op.f('ck_annual_targets_supervised_share')),
    sa.CheckConstraint('inspected_share >= 0 AND inspected_share <= 100', name=op.f('ck_annual_targets_inspected_share')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_annual_targets_org_id_organisations')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_annual_targets_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_targets')),
    sa.UniqueConstraint('org_id', 'year', name=op.f('uq_annual_targets_org_id_year'))
    )


def downgrade():
    op.drop_table('annual_targets')
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_items_programme_id'))
    op.drop_table('programme_items')
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programmes_org_id'))
    op.drop_table('programmes')
