"""The tick and delivery at scale: statements per batch, not per row; one SMTP
connection per batch; the partial index behind the selection."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.reminders import bulk, scheduler, service
from hgkiemtra.reminders.mail import SmtpConnection, render
from hgkiemtra.reminders.models import Reminder
from hgkiemtra.reminders.policy import set_reminder_mode
from tests import factories as f

from .clock import clean, decided_case, local

executed: list[tuple[str, Any]] = []


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append(statement)
        executed.append((statement, parameters))

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


def _batch_statements(cases: int) -> tuple[int, int]:
    """Statements of one queue_due over ``cases`` decided cases, and rows handled."""
    clean()
    w = f.world()
    for i in range(cases):
        decided_case(w, local(2026, 2, 5, 9 + i))
    with counting() as statements:
        handled = scheduler.queue_due(local(2026, 2, 10, 8))
    db.session.rollback()
    return len(statements), handled


def test_a_batch_costs_the_same_statements_for_one_case_or_many(session):
    small, one = _batch_statements(1)
    large, many = _batch_statements(5)
    assert (one, many) == (2, 10)
    assert large == small <= 8


def test_overdue_repeats_and_digest_items_are_handled_in_the_same_batch(session):
    clean()
    w = f.world()
    set_reminder_mode(w.committee_member.id, "digest")
    case = decided_case(w, local(2026, 1, 5, 9))
    # Weeks later: every 'before' reminder is superseded by the overdue ones.
    now = local(2026, 2, 20, 8)
    while scheduler.queue_due(now):
        pass
    rows = db.session.execute(sa.select(Reminder.recipient_id, Reminder.kind, Reminder.status,
                                        Reminder.cancel_reason, Reminder.outbox_key)
                              .where(Reminder.case_id == case.id)).all()
    queued = [r for r in rows if r.status == "queued"]
    recipients = [r.recipient_id for r in queued]
    assert len(recipients) == len(set(recipients))  # one catch-up per person
    assert {w.inspector.id, w.committee_member.id} <= set(recipients)
    assert all((r.outbox_key is None) == (r.recipient_id == w.committee_member.id)
               for r in queued)  # the digest user's item waits for the digest
    assert {r.cancel_reason for r in rows if r.status == "cancelled"} == {"superseded"}
    assert all(r.kind in scheduler.REPEATING for r in queued)
    assert any(r.status == "planned" for r in rows)  # the next repeat is planned
    keys = db.session.scalars(sa.select(OutboxMessage.key)).all()
    assert sorted(keys) == sorted(r.outbox_key for r in queued if r.outbox_key)


def test_two_runs_at_once_write_each_reminder_once(committed):
    clean()
    w = f.world()
    for i in range(6):
        decided_case(w, local(2026, 2, 5, 9 + i))
    db.session.commit()
    now, start, results = local(2026, 2, 10, 8), threading.Barrier(2), []

    def tick() -> None:
        with committed.app_context():
            start.wait(10)
            results.append(scheduler.run(now, limit=3)["reminders"])
            db.session.remove()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(results) == 12
    keys = db.session.scalars(sa.select(OutboxMessage.key).where(
        OutboxMessage.kind == "deadline_reminder")).all()
    assert len(keys) == 12 == len(set(keys))
    assert db.session.scalar(sa.select(sa.func.count()).where(
        Reminder.status == "queued", Reminder.outbox_key.in_(keys))) == 12


def test_the_selection_scans_the_partial_index(session):
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    now = local(2026, 2, 10, 8)
    executed.clear()
    with counting():
        scheduler.select_due(now, None, 10)
    statement, parameters = executed[0]
    plan = db.session.connection().exec_driver_sql(
        "EXPLAIN " + statement, parameters).scalars().all()
    assert any("ix_reminders_planned_due_at" in line for line in plan), plan


def test_deliver_many_sends_over_one_connection_and_never_twice(rows, smtp_mailer, inbox):
    outcomes = service.deliver_many(rows.message_ids * 2, smtp_mailer)
    assert (outcomes["sent"], outcomes["skipped"]) == (2, 0)
    assert service.deliver_many(rows.message_ids, smtp_mailer)["skipped"] == 2
    assert inbox.count() == 2
    statuses = db.session.scalars(sa.select(OutboxMessage.status).where(
        OutboxMessage.id.in_(rows.message_ids))).all()
    assert statuses == ["sent", "sent"]


def test_deliver_many_records_a_refusal_per_row(rows, smtp_mailer, inbox):
    inbox.refuse_with = "451 4.3.0 Mailbox busy, try later"
    assert service.deliver_many(rows.message_ids, smtp_mailer)["retry"] == 2
    messages = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.id.in_(rows.message_ids)).execution_options(populate_existing=True)).all()
    assert {(m.status, m.next_attempt_at is not None) for m in messages} == {("pending", True)}
    assert all("451" in m.last_error for m in messages)


def test_deliver_many_to_the_sink_keeps_each_mail_once(rows, sink_mailer):
    assert service.deliver_many(rows.message_ids, sink_mailer, mark_every=1)["sent"] == 2
    assert service.deliver_many(rows.message_ids, sink_mailer)["skipped"] == 2


def test_a_dropped_connection_is_reopened_once(rows, smtp_mailer, inbox):
    connection = SmtpConnection(smtp_mailer.transport)  # type: ignore[arg-type]
    mails = [render(db.session.get(OutboxMessage, i), "https://x") for i in rows.message_ids]
    try:
        connection.send(mails[0])
        assert connection.smtp is not None
        connection.smtp.sock.shutdown(socket.SHUT_RDWR)  # hung up while we were idle
        connection.send(mails[1])
    finally:
        connection.close()
    assert connection.opened == 2 and inbox.count() == 2


def test_the_server_writes_the_outbox_row_the_python_path_would(session):
    clean()
    w = f.world()
    decided_case(w, local(2026, 2, 5, 9))
    assert scheduler.queue_due(local(2026, 2, 10, 8)) == 2
    messages = db.session.scalars(sa.select(OutboxMessage)).all()
    assert len(messages) == 2
    for message in messages:
        reminder = db.session.get(Reminder, message.payload["reminder_id"])
        assert message.key == reminder.outbox_key == scheduler.outbox_key(reminder)
        assert message.payload == bulk.reminder_payload(reminder)
        assert (message.kind, message.recipient_id, message.case_id, message.status) == (
            scheduler.MAIL_KIND[reminder.kind], reminder.recipient_id, reminder.case_id,
            "pending")


def test_array_parameters_reach_the_server_unchanged(session):
    values = {"ints": [3, None, 1], "texts": ["reminder:1:2:before:7:3:2026-02-10", "", None,
                                              "NULL"],
              "days": [date(2026, 2, 10)], "instants": [datetime(2026, 2, 10, 1, tzinfo=UTC)]}
    row = db.session.execute(sa.text(
        "SELECT CAST(:ints AS integer[]), CAST(:texts AS varchar[]), CAST(:days AS date[]), "
        "CAST(:instants AS timestamptz[])"),
        {name: bulk.pg_array(items) for name, items in values.items()}).one()
    assert list(row) == list(values.values())


def test_escalations_are_rendered_without_a_query_per_mail(session, sink_mailer):
    clean()
    w = f.world()
    for hour in (9, 10, 11):
        decided_case(w, local(2026, 1, 5, hour))
    while scheduler.queue_due(local(2026, 2, 20, 8)):
        pass
    ids = db.session.scalars(sa.select(OutboxMessage.id).where(
        OutboxMessage.kind == "deadline_escalation")).all()
    assert len(ids) >= 2
    db.session.expunge_all()  # nothing of the cases or their teams is loaded yet
    with counting() as statements:
        assert service.deliver_many(list(ids), sink_mailer)["sent"] == len(ids)
    assert sum("FROM case_team_members" in s for s in statements) == 1
