"""Issue 7 item 5: the reminder scan on the scale data set, with the real code.

- the due-reminder selection: the SELECTs that ``scheduler.queue_due`` issues
  to pick its batch (due now; due before the digest horizon for digest users;
  captured from the real call, rolled back), timed together and EXPLAIN
  (ANALYZE, BUFFERS)ed for a tick 24 hours after the data set's "now";
- an incremental tick: ``scheduler.run`` at the first send time by which at
  most ``incremental`` planned reminders are due;
- a backlog after downtime: ``scheduler.run`` called until nothing is left, at
  the send time by which about ``backlog`` reminders are due.

All reminders are planned at the send time (08:00 local), so "due by" moves a
day's worth at a time; the figures say how many were actually due.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bench.common import app_for

REPEATS = 7


def _capture_selects(now: datetime) -> list[tuple[str, Any]]:
    """The statements and parameters of queue_due's locking SELECTs, from a real call."""
    from hgkiemtra.core.db import db
    from hgkiemtra.reminders import scheduler

    seen: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM reminders" in statement and "FOR UPDATE" in statement:
            seen.append((statement, parameters))

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        scheduler.queue_due(now)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
        db.session.rollback()
    if not seen:
        raise RuntimeError("queue_due issued no reminder SELECT")
    return seen


def selection(now: datetime) -> dict[str, Any]:
    from hgkiemtra.core.db import db
    from hgkiemtra.reminders.models import Reminder

    selects = _capture_selects(now)
    conn = db.session.connection()
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        rows = [row for statement, parameters in selects
                for row in conn.exec_driver_sql(statement, parameters).fetchall()]
        times.append(time.perf_counter() - t0)
        db.session.rollback()
        conn = db.session.connection()
    plan = [r[0] for statement, parameters in selects for r in conn.exec_driver_sql(
        "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall()]
    db.session.rollback()
    window = db.session.scalar(sa.select(sa.func.count()).select_from(Reminder).where(
        Reminder.status == "planned", Reminder.due_at <= now))
    return {"now": now.isoformat(), "batch_rows": len(rows), "due_in_window": window,
            "median_ms": statistics.median(times) * 1000, "max_ms": max(times) * 1000,
            "statements": len(selects),
            "index_used": any("Index" in line and "reminders" in line for line in plan),
            "explain": plan}


def _due_at_for(count: int, after: datetime) -> tuple[datetime, int]:
    """The latest send time by which at most ``count`` planned reminders are due
    (at least the first one), and how many are."""
    from hgkiemtra.core.db import db
    from hgkiemtra.reminders.models import Reminder

    per_instant = db.session.execute(
        sa.select(Reminder.due_at, sa.func.count())
        .where(Reminder.status == "planned", Reminder.due_at > after)
        .group_by(Reminder.due_at).order_by(Reminder.due_at)
    ).all()
    chosen, total = after, 0
    for due_at, n in per_instant:
        if total and total + n > count:
            break
        chosen, total = due_at, total + n
    return chosen, total


def _outbox_count() -> int:
    from hgkiemtra.core.db import db
    from hgkiemtra.core.outbox import OutboxMessage

    return int(db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) or 0)


def tick(now: datetime, until_empty: bool, budget_s: float = 0) -> dict[str, Any]:
    """``scheduler.run(now)`` once (a tick), or again until it finds nothing or
    ``budget_s`` seconds have passed (0: no limit); ``cut`` says whether it stopped
    on the budget."""
    from hgkiemtra.core.db import db
    from hgkiemtra.reminders import scheduler

    before = _outbox_count()
    handled = digests = calls = 0
    cut = False
    t0 = time.perf_counter()
    while True:
        result = scheduler.run(now)
        calls += 1
        handled += result["reminders"]
        digests += result["digests"]
        if not until_empty or not result["reminders"]:
            break
        if budget_s and time.perf_counter() - t0 > budget_s:
            cut = True
            break
    elapsed = time.perf_counter() - t0
    written = _outbox_count() - before
    db.session.commit()
    return {"now": now.isoformat(), "reminders_handled": handled, "digests": digests,
            "outbox_rows_written": written, "run_calls": calls, "cut_by_budget": cut,
            "seconds": elapsed, "ms": elapsed * 1000,
            "reminders_per_s": handled / elapsed if elapsed else 0.0}


def measure(url: str, data_now: datetime, incremental: int = 5000,
            backlog: int = 200_000, backlog_budget_s: float = 0) -> dict[str, Any]:
    app = app_for(url)
    with app.app_context():
        from hgkiemtra.core.db import db

        select = selection(data_now + timedelta(hours=24))
        inc_now, inc_due = _due_at_for(incremental, data_now)
        small = tick(inc_now, until_empty=False) | {"due": inc_due}
        big_now, big_due = _due_at_for(backlog, inc_now)
        large = tick(big_now, until_empty=True, budget_s=backlog_budget_s)
        large["due"] = big_due
        db.session.remove()
        db.engine.dispose()
    return {"selection_next_24h": select, "incremental_tick": small, "backlog": large}
