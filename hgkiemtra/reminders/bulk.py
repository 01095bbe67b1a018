"""Set-based writes for the reminder tick: a few statements per batch, not per row.

Each function issues at most one statement whatever the number of rows. On
PostgreSQL the rows travel as a few arrays (``unnest``) in one short statement
of constant text: the server parses one statement per batch, and the outbox
payload is built by the server (``json_build_object``), not row by row in
Python. On SQLite the multi-row INSERTs and the executemany UPDATE go through
SQLAlchemy's "insertmanyvalues". They bypass the ORM unit of work on purpose
(``synchronize_session=False``): the tick reads plain rows, never ``Reminder``
objects, and commits right after.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.outbox import OutboxMessage
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


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


# Cancelled rows keep their queue fields, queued rows their (empty) reason.
SETTLE_FROM_ARRAYS = sa.text(
    "UPDATE reminders SET status = given.status, "
    "cancel_reason = CASE WHEN given.status = 'cancelled' THEN given.reason "
    "ELSE reminders.cancel_reason END, "
    "queued_at = CASE WHEN given.status = 'queued' THEN :now ELSE reminders.queued_at END, "
    "outbox_key = CASE WHEN given.status = 'queued' THEN given.key "
    "ELSE reminders.outbox_key END "
    "FROM unnest(CAST(:ids AS integer[]), CAST(:statuses AS varchar[]), "
    "CAST(:reasons AS varchar[]), CAST(:keys AS varchar[])) AS given (rid, status, reason, key) "
    "WHERE reminders.id = given.rid"
).bindparams(sa.bindparam("now", type_=Reminder.__table__.c.queued_at.type))

# The payload ``reminder_payload`` builds (the date as ISO text), made by the server.
OUTBOX_FROM_ARRAYS = sa.text(
    "INSERT INTO outbox_messages (key, kind, recipient_id, case_id, payload, status, "
    "attempts, last_error, created_at) "
    "SELECT g.key, g.mail_kind, g.recipient_id, g.case_id, json_build_object("
    "'reminder_id', g.rid, 'deadline_id', g.deadline_id, 'kind', g.kind, "
    "'offset_days', g.offset_days, 'due_on', g.due_on, 'role', g.role), "
    "'pending', 0, '', :created "
    "FROM unnest(CAST(:ids AS integer[]), CAST(:deadline_ids AS integer[]), "
    "CAST(:case_ids AS integer[]), CAST(:recipient_ids AS integer[]), "
    "CAST(:roles AS varchar[]), CAST(:kinds AS varchar[]), CAST(:offsets AS integer[]), "
    "CAST(:due_ons AS date[]), CAST(:keys AS varchar[]), CAST(:mail_kinds AS varchar[])) "
    "WITH ORDINALITY AS g (rid, deadline_id, case_id, recipient_id, role, kind, offset_days, "
    "due_on, key, mail_kind, n) "
    "ORDER BY g.n "  # ids in the batch's order (due_at, id): the order of delivery
    "ON CONFLICT (key) DO NOTHING"
).bindparams(sa.bindparam("created", type_=Reminder.__table__.c.created_at.type))

REPEATS_FROM_ARRAYS = sa.text(
    "INSERT INTO reminders (deadline_id, case_id, recipient_id, role, kind, offset_days, "
    "due_on, due_at, status, cancel_reason, created_at) "
    "SELECT g.deadline_id, g.case_id, g.recipient_id, g.role, g.kind, g.offset_days, "
    "g.due_on, g.due_at, 'planned', '', :created "
    "FROM unnest(CAST(:deadline_ids AS integer[]), CAST(:case_ids AS integer[]), "
    "CAST(:recipient_ids AS integer[]), CAST(:roles AS varchar[]), CAST(:kinds AS varchar[]), "
    "CAST(:offsets AS integer[]), CAST(:due_ons AS date[]), "
    "CAST(:due_ats AS timestamptz[])) "
    "AS g (deadline_id, case_id, recipient_id, role, kind, offset_days, due_on, due_at) "
    f"ON CONFLICT ({', '.join(planning.UNIQUE)}) DO NOTHING"
).bindparams(sa.bindparam("created", type_=Reminder.__table__.c.created_at.type))


def _array_item(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        if '"' in value or "\\" in value:
            raise ValueError(f"pg_array: unexpected character in {value!r}")
        return f'"{value}"'
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    return str(int(value))


def pg_array(values: Iterable[Any]) -> str:
    """A PostgreSQL array literal of ints, dates and datetimes (ISO) and strings
    (quoted; none here holds a quote or a backslash); None is NULL.

    Thousands of values sent as one text parameter cost a ``join``; sent as a
    list, psycopg adapts them one by one, which took longer than the statement."""
    return "{" + ",".join(map(_array_item, values)) + "}"


def settle(cancelled: Sequence[tuple[int, str]], queued: Sequence[tuple[int, str | None]],
           now: datetime) -> None:
    """Cancel (id, reason) and queue (id, outbox key; None: waits for the digest)
    in one UPDATE on PostgreSQL; ``cancel`` and ``mark_queued`` elsewhere."""
    if not _on_postgresql():
        for reason in dict.fromkeys(r for _, r in cancelled):
            cancel([rid for rid, r in cancelled if r == reason], reason)
        mark_queued(queued, now)
        return
    if not cancelled and not queued:
        return
    db.session.execute(SETTLE_FROM_ARRAYS, {
        "now": now,
        "ids": pg_array([rid for rid, _ in cancelled] + [rid for rid, _ in queued]),
        "statuses": pg_array(["cancelled"] * len(cancelled) + ["queued"] * len(queued)),
        "reasons": pg_array([reason for _, reason in cancelled] + [""] * len(queued)),
        "keys": pg_array([None] * len(cancelled) + [key for _, key in queued])})


def reminder_payload(row: Any) -> dict[str, Any]:
    """The outbox payload of a due reminder row (``OUTBOX_FROM_ARRAYS`` builds the same)."""
    return {"reminder_id": row.id, "deadline_id": row.deadline_id, "kind": row.kind,
            "offset_days": row.offset_days, "due_on": row.due_on.isoformat(), "role": row.role}


def insert_outbox_rows(rows: Sequence[Any], keys: Sequence[str],
                       mail_kinds: Sequence[str]) -> None:
    """One outbox row per due reminder row, under its key and mail kind, skipping
    keys already written."""
    if not rows:
        return
    if not _on_postgresql():
        insert_ignoring_duplicates(OutboxMessage.__table__, [{
            "key": key, "kind": kind, "recipient_id": r.recipient_id, "case_id": r.case_id,
            "payload": reminder_payload(r)} for r, key, kind in zip(rows, keys, mail_kinds,
                                                                    strict=True)], ["key"])
        return
    db.session.execute(OUTBOX_FROM_ARRAYS, {
        "created": utcnow(), "ids": pg_array(r.id for r in rows),
        "deadline_ids": pg_array(r.deadline_id for r in rows),
        "case_ids": pg_array(r.case_id for r in rows),
        "recipient_ids": pg_array(r.recipient_id for r in rows),
        "roles": pg_array(r.role for r in rows), "kinds": pg_array(r.kind for r in rows),
        "offsets": pg_array(r.offset_days for r in rows),
        "due_ons": pg_array(r.due_on for r in rows), "keys": pg_array(keys),
        "mail_kinds": pg_array(mail_kinds)})


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
    if not planned:
        return
    if not _on_postgresql():
        insert_ignoring_duplicates(Reminder.__table__, planned, planning.UNIQUE)
        return
    db.session.execute(REPEATS_FROM_ARRAYS, {"created": utcnow(), **{
        param: pg_array(row[column] for row in planned) for param, column in (
            ("deadline_ids", "deadline_id"), ("case_ids", "case_id"),
            ("recipient_ids", "recipient_id"), ("roles", "role"), ("kinds", "kind"),
            ("offsets", "offset_days"), ("due_ons", "due_on"), ("due_ats", "due_at"))}})
