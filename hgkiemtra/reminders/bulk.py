"""Set-based writes for the reminder tick: a few statements per batch, not per row.

Each function issues at most one statement whatever the number of rows (the
multi-row INSERTs and the executemany UPDATE go through SQLAlchemy's
"insertmanyvalues" / psycopg's pipeline, one round trip per page of rows).
They bypass the ORM unit of work on purpose (``synchronize_session=False``):
the tick reads plain rows, never ``Reminder`` objects, and commits right after.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from hgkiemtra.core.db import db
from hgkiemtra.reminders import planning
from hgkiemtra.reminders.models import Reminder
from workflows.reminders import DEFAULT_POLICIES, Policy, next_overdue


def insert_ignoring_duplicates(table: sa.Table, rows: list[dict[str, Any]],
                               unique: list[str]) -> None:
    """INSERT ... ON CONFLICT (unique) DO NOTHING of many rows, PostgreSQL or SQLite."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"unsupported database {dialect}")
    db.session.execute(insert(table).on_conflict_do_nothing(index_elements=unique), rows)


def cancel(ids: Sequence[int], reason: str) -> None:
    if ids:
        db.session.execute(
            sa.update(Reminder).where(Reminder.id.in_(ids))
            .values(status="cancelled", cancel_reason=reason)
            .execution_options(synchronize_session=False))


QUEUE_FROM_ARRAYS = sa.text(
    "UPDATE reminders SET status = 'queued', queued_at = :now, outbox_key = given.key "
    "FROM unnest(CAST(:ids AS integer[]), CAST(:keys AS varchar[])) AS given (rid, key) "
    "WHERE reminders.id = given.rid"
).bindparams(sa.bindparam("now", type_=Reminder.__table__.c.queued_at.type))


class RepeatContext:
    """The calendar and the policies, loaded once per tick rather than per batch
    (the calendar computes each year's holidays on first use)."""

    def __init__(self) -> None:
        self.loaded: tuple[Any, dict[str, Policy]] | None = None

    def get(self) -> tuple[Any, dict[str, Policy]]:
        if self.loaded is None:
            self.loaded = (planning._calendar(None), planning.policies())
        return self.loaded


def mark_queued(items: Sequence[tuple[int, str | None]], now: datetime) -> None:
    """planned -> queued, with the outbox key (None: waits for the digest)."""
    if not items:
        return
    table = Reminder.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        # One UPDATE joined to two arrays: a fraction of an executemany's time, and a
        # statement text that stays the same whatever the number of rows.
        db.session.execute(QUEUE_FROM_ARRAYS, {
            "now": now, "ids": [rid for rid, _ in items], "keys": [key for _, key in items]})
        return
    stmt = (sa.update(table).where(table.c.id == sa.bindparam("rid"))
            .values(status="queued", queued_at=now, outbox_key=sa.bindparam("key")))
    db.session.execute(stmt, [{"rid": rid, "key": key} for rid, key in items])


def plan_next_repeats(rows: Sequence[Any], deadlines: dict[int, Any], now: datetime,
                      context: RepeatContext | None = None) -> None:
    """After overdue or escalation reminders are queued: the next of each, if any
    (the bulk form of ``planning.plan_next_repeat``)."""
    if not rows:
        return
    calendar, policy_map = (context or RepeatContext()).get()
    planned, slots = [], {}
    for row in rows:
        deadline = deadlines[row.deadline_id]
        # Many deadlines share a due date: the calendar walk is done once per kind of row.
        key = (deadline.due_on, row.offset_days, row.role)
        if key not in slots:
            policy = policy_map.get(row.role, DEFAULT_POLICIES.get(row.role, Policy()))
            slots[key] = next_overdue(deadline.due_on, row.offset_days, policy, calendar,
                                      role=row.role, now=now)
        slot = slots[key]
        if slot is not None:
            planned.append({
                "deadline_id": deadline.id, "case_id": deadline.case_id,
                "recipient_id": row.recipient_id, "role": row.role, "kind": slot.kind.value,
                "offset_days": slot.offset, "due_on": deadline.due_on, "due_at": slot.at,
                "status": "planned", "cancel_reason": ""})
    insert_ignoring_duplicates(Reminder.__table__, planned, planning.UNIQUE)
