"""The tick's reminder work: due reminders become outbox rows, once.

``queue_due`` takes a batch of planned reminders whose time has come
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent ticks take different
rows), and in the same transaction writes one outbox row per reminder under a
unique key (``INSERT ... ON CONFLICT DO NOTHING``) and marks it queued: a
reminder can never produce two outbox rows, even if two ticks race. For a
user who chose the daily digest the reminder is queued without an outbox row
and ``write_digests`` later writes one row per user and day listing them all.

After downtime, every missed reminder is still due; of several due together
for the same deadline, recipient and role only the latest is sent (the
others are cancelled as superseded), so a long outage yields one catch-up
mail per deadline and person, not a burst.

A batch is set-based: the rows are read as plain tuples, decided in Python,
and written back with a handful of statements per batch (cancel and mark
queued, outbox insert, next repeats), whatever the batch size. The outbox row
holds only ids and the facts of the reminder: the mail is rendered at
delivery, not here. The selection is two index range scans on
``ix_reminders_planned_due_at`` (due now; due before the digest horizon for
digest users) rather than one ``OR`` across the users table, which would walk
every planned reminder; the digest finds its items through the small partial
index ``ix_reminders_digest_pending``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import add_message_once
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.people.models import User
from hgkiemtra.reminders import bulk
from hgkiemtra.reminders.models import Reminder
from workflows.reminders import ReminderKind, digest_horizon, local_day

log = logging.getLogger(__name__)

BATCH = 2000
MAIL_KIND = {
    ReminderKind.BEFORE.value: "deadline_reminder",
    ReminderKind.ON_DAY.value: "deadline_reminder",
    ReminderKind.OVERDUE.value: "deadline_overdue",
    ReminderKind.ESCALATION.value: "deadline_escalation",
}
REPEATING = {ReminderKind.OVERDUE.value, ReminderKind.ESCALATION.value}
Group = tuple[int, int, str]  # deadline, recipient, role
COLUMNS = (Reminder.id, Reminder.deadline_id, Reminder.case_id, Reminder.recipient_id,
           Reminder.role, Reminder.kind, Reminder.offset_days, Reminder.due_on, Reminder.due_at)


def outbox_key(reminder: Any) -> str:
    return (f"reminder:{reminder.case_id}:{reminder.deadline_id}:{reminder.kind}:"
            f"{reminder.offset_days}:{reminder.recipient_id}:{reminder.due_on.isoformat()}")


def select_due(now: datetime, horizon: datetime | None, limit: int) -> list[Any]:
    """Planned reminders due now, then (after the digest time) those of digest
    users due before the horizon; locked, oldest first, at most ``limit``."""
    base = (sa.select(*COLUMNS).where(Reminder.status == "planned")
            .order_by(Reminder.due_at, Reminder.id)
            .with_for_update(skip_locked=True, of=Reminder))
    rows = list(db.session.execute(base.where(Reminder.due_at <= now).limit(limit)))
    if horizon is not None and len(rows) < limit:
        digest_users = sa.select(User.id).where(User.reminder_mode == "digest")
        rows += db.session.execute(
            base.where(Reminder.due_at > now, Reminder.due_at < horizon,
                       Reminder.recipient_id.in_(digest_users))
            .limit(limit - len(rows)))
    return rows


def queue_due(now: datetime, limit: int = BATCH,
              context: bulk.RepeatContext | None = None) -> int:
    """One batch: due planned reminders -> outbox rows (or digest items). Flushes;
    the caller commits. Returns how many reminders the batch handled."""
    horizon = digest_horizon(now)
    rows = select_due(now, horizon, limit)
    if not rows:
        return 0
    users = {u.id: u for u in db.session.execute(
        sa.select(User.id, User.is_active, User.reminder_mode)
        .where(User.id.in_({r.recipient_id for r in rows})))}
    deadlines = {d.id: d for d in db.session.execute(
        sa.select(Deadline.id, Deadline.case_id, Deadline.status, Deadline.paused_since,
                  Deadline.due_on)
        .where(Deadline.id.in_({r.deadline_id for r in rows})))}
    latest = _latest_due(rows, users, now, horizon)
    stale, superseded, mails, digest, repeats = [], [], [], [], []
    for row in rows:
        deadline, user = deadlines[row.deadline_id], users[row.recipient_id]
        if not _still_wanted(row, deadline, user):
            stale.append(row.id)
        elif (row.due_at, row.id) < latest[(row.deadline_id, row.recipient_id, row.role)]:
            superseded.append(row.id)
        else:
            (digest if user.reminder_mode == "digest" else mails).append(row)
            if row.kind in REPEATING:
                repeats.append(row)
    cancelled = [(rid, "stale") for rid in stale] + [(rid, "superseded") for rid in superseded]
    queued = [(r.id, outbox_key(r)) for r in mails] + [(r.id, None) for r in digest]
    bulk.settle(cancelled, queued, now)
    write_outbox_rows(mails)
    bulk.plan_next_repeats(repeats, deadlines, now, context)
    return len(rows)


def write_outbox_rows(rows: Sequence[Any]) -> None:
    """One outbox row per reminder, skipping keys already written (the payload:
    ``bulk.reminder_payload``; nothing is rendered before delivery)."""
    bulk.insert_outbox_rows(rows, [outbox_key(r) for r in rows],
                            [MAIL_KIND[r.kind] for r in rows])


def _still_wanted(row: Any, deadline: Any, user: Any) -> bool:
    return (deadline.status == "open" and deadline.paused_since is None
            and deadline.due_on == row.due_on and user.is_active)


def _latest_due(rows: list[Any], users: dict[int, Any], now: datetime,
                horizon: datetime | None) -> dict[Group, tuple[datetime, int]]:
    """Per deadline, recipient and role: the latest reminder due now, looking
    at every planned row (also those another tick has locked)."""
    limit = horizon or now
    others = db.session.execute(
        sa.select(Reminder.id, Reminder.deadline_id, Reminder.recipient_id, Reminder.role,
                  Reminder.due_at)
        .where(Reminder.status == "planned",
               Reminder.deadline_id.in_({r.deadline_id for r in rows}),
               Reminder.due_at <= limit)
    ).all()
    latest: dict[Group, tuple[datetime, int]] = {}
    items: list[Any] = [*others, *rows]
    for item in items:
        user = users.get(item.recipient_id)
        user_limit = horizon if horizon and user and user.reminder_mode == "digest" else now
        if item.due_at > user_limit:
            continue
        group = (item.deadline_id, item.recipient_id, item.role)
        latest[group] = max(latest.get(group, (item.due_at, item.id)), (item.due_at, item.id))
    return latest


def write_digests(now: datetime) -> int:
    """From the digest time on (07:30 local): one outbox row per user for today
    listing the queued items not yet in a digest. A user whose digest for
    today is already written gets the late items in tomorrow's. Flushes."""
    if digest_horizon(now) is None:
        return 0
    day = local_day(now)
    rows = list(db.session.scalars(
        sa.select(Reminder)
        .where(Reminder.status == "queued", Reminder.outbox_key.is_(None))
        .order_by(Reminder.recipient_id, Reminder.due_at, Reminder.id)
        .with_for_update(skip_locked=True)
    ))
    by_user: dict[int, list[Reminder]] = defaultdict(list)
    for row in rows:
        by_user[row.recipient_id].append(row)
    written = 0
    for user_id, items in by_user.items():
        items = _collapse(items)
        if not items:
            continue
        key = f"digest:{user_id}:{day.isoformat()}"
        payload = {"date": day.isoformat(), "reminder_ids": [r.id for r in items]}
        if add_message_once(key, "daily_digest", payload, recipient_id=user_id):
            for item in items:
                item.outbox_key = key
            written += 1
    db.session.flush()
    return written


def _collapse(items: list[Reminder]) -> list[Reminder]:
    """Items of a digest still relevant: the latest per deadline and role."""
    deadlines = {d.id: d for d in db.session.scalars(
        sa.select(Deadline).where(Deadline.id.in_({r.deadline_id for r in items})))}
    keep: dict[tuple[int, str], Reminder] = {}
    for item in items:  # ordered by due_at: later ones replace earlier ones
        deadline = deadlines[item.deadline_id]
        if deadline.status != "open" or deadline.paused_since is not None \
                or deadline.due_on != item.due_on:
            item.status, item.cancel_reason = "cancelled", "stale"
            continue
        earlier = keep.get((item.deadline_id, item.role))
        if earlier is not None:
            earlier.status, earlier.cancel_reason = "cancelled", "superseded"
        keep[(item.deadline_id, item.role)] = item
    return sorted(keep.values(), key=lambda r: (r.due_on, r.case_id, r.id))


def run(now: datetime, limit: int = BATCH, max_batches: int = 50) -> dict[str, int]:
    """Everything the tick does for reminders, committing after each batch."""
    handled, context = 0, bulk.RepeatContext()
    for _ in range(max_batches):
        count = queue_due(now, limit, context)
        db.session.commit()
        handled += count
        if count < limit:
            break
    digests = write_digests(now)
    db.session.commit()
    if handled or digests:
        log.info("reminders: %d handled, %d digest(s) written", handled, digests)
    return {"reminders": handled, "digests": digests}
