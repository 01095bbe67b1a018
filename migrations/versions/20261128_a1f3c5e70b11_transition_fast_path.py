"""transition fast path: cases.head_hash, and config_state whose token changes on settings writes

``cases.head_hash`` keeps the newest audit hash on the case row, so a
transition chains its event without reading the events table; it is
backfilled from each case's newest event (seq = event_count).

``config_state`` holds one row whose ``token`` triggers change on every
write to calendar_overrides, rule_parameters and reminder_policies, so each
process may cache those settings between transitions (core/config_cache.py).
PostgreSQL draws the token from a sequence (a rolled-back write never hands
its token on); SQLite, with one writer, uses random().

Revision ID: a1f3c5e70b11
Revises: c4f0a9d3e1b2
Create Date: 2026-11-28 16:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a1f3c5e70b11'
down_revision = 'c4f0a9d3e1b2'
branch_labels = None
depends_on = None

WATCHED = ("calendar_overrides", "rule_parameters", "reminder_policies")
SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head_hash', sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE cases SET head_hash = (SELECT e.hash FROM case_events e "
        "WHERE e.case_id = cases.id AND e.seq = cases.event_count)"
    )
    op.create_table(
        'config_state',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('token', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_config_state')),
    )
    op.execute("INSERT INTO config_state (id, token) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _postgresql_triggers():
    op.execute("CREATE SEQUENCE config_state_token_seq")
    op.execute(
        "CREATE FUNCTION config_state_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN UPDATE config_state SET token = nextval('config_state_token_seq'); "
        "RETURN NULL; END $$"
    )
    for table in WATCHED:
        op.execute(
            f"CREATE TRIGGER config_state_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION config_state_bump()"
        )


def _sqlite_triggers():
    for table in WATCHED:
        for event in SQLITE_EVENTS:
            op.execute(
                f"CREATE TRIGGER config_state_bump_{table}_{event.lower()} AFTER {event} "
                f"ON {table} BEGIN UPDATE config_state SET token = abs(random()); END"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER config_state_bump ON {table}")
        op.execute("DROP FUNCTION config_state_bump()")
        op.execute("DROP SEQUENCE config_state_token_seq")
    else:
        for table in WATCHED:
            for event in SQLITE_EVENTS:
                op.execute(f"DROP TRIGGER config_state_bump_{table}_{event.lower()}")
    op.drop_table('config_state')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('head_hash')
