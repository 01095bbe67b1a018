"""Delivering outbox rows: claim, send, record — one row at a time (``relay``,
``deliver``) or a batch over one SMTP connection (``deliver_many``).

Lifecycle of an outbox row::

    pending --claim--> sending --sent--> sent
       ^                  |--transient failure--> pending (next_attempt_at = backoff)
       |                  |--permanent failure, or attempts used up--> failed
       +--- resend (an admin) --- failed;  stale claim (deliverer died) -> pending

Unlike the rest of the service layer, delivery owns its commits: the claim
(``pending -> sending``, one conditional UPDATE) is committed *before* the
mail leaves, so two workers, ticks or relays never send the same row, and
the result is committed right after. Exactly-once over SMTP is impossible:
if the deliverer dies after the SMTP server accepted the mail and before the
``sent`` commit, the row stays ``sending`` until ``STALE_CLAIM`` has passed,
then it is re-queued and the mail goes out again (at-least-once; the stable
Message-ID lets mail clients spot the duplicate). The window is one SMTP
conversation plus one commit. With the local sink there is no window: the
sink row and the ``sent`` mark share one transaction.
"""

from __future__ import annotations

import logging
import smtplib
from collections import Counter
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, ValidationFailed
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.reminders.mail import Mailer, Undeliverable, connected, render
from hgkiemtra.reminders.models import SinkMail
from workflows.text import msg

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # backoff 1, 2, 4 ... 60 min: about two hours of trying
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)
STALE_CLAIM = timedelta(minutes=15)  # much longer than one SMTP conversation
ERROR_MAX_CHARS = 2000
MARK_EVERY = 25  # deliver_many: mails sent between two 'sent' commits


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # failed this time; pending again after the backoff
    FAILED = "failed"  # given up; an admin may resend
    SKIPPED = "skipped"  # not ours to send: sent, failed, claimed elsewhere or not due


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        OutboxMessage.status == "pending",
        sa.or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
    )


def _claim_where(*criteria: sa.ColumnElement[bool], now: datetime) -> list[int]:
    """pending -> sending for the rows matching, returning the ids this call took."""
    stmt = (
        sa.update(OutboxMessage)
        .where(_due(now), *criteria)
        .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(db.session.scalars(stmt))


def claim_pending(limit: int, now: datetime | None = None) -> list[int]:
    """Claim up to ``limit`` due rows, oldest first. The caller commits.

    On PostgreSQL the candidates are locked ``FOR UPDATE SKIP LOCKED``, so
    concurrent claimers take different rows instead of queueing behind each
    other; the conditional UPDATE makes the claim safe on SQLite as well.
    """
    now = now or utcnow()
    candidates = (
        sa.select(OutboxMessage.id)
        .where(_due(now))
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(db.session.scalars(candidates))
    return _claim_where(OutboxMessage.id.in_(ids), now=now) if ids else []


def claim(message_id: int, now: datetime | None = None) -> bool:
    """Claim one row if it is pending and due. The caller commits."""
    return bool(_claim_where(OutboxMessage.id == message_id, now=now or utcnow()))


def deliver(message_id: int, mailer: Mailer, now: datetime | None = None) -> Outcome:
    """Send one row unless it is not pending and due (never a row already sent)."""
    claimed = claim(message_id, now)
    db.session.commit()
    if not claimed:
        return Outcome.SKIPPED
    return send_claimed(message_id, mailer, now)


def relay(mailer: Mailer, limit: int = 100, now: datetime | None = None,
          stale_after: timedelta = STALE_CLAIM) -> Counter[str]:
    """One pass: re-queue claims older than ``stale_after``, then claim and send
    due rows one by one.

    Claiming one row at a time keeps every claim fresh: a row never waits in
    ``sending`` behind a slow batch long enough to look abandoned.
    """
    outcomes: Counter[str] = Counter()
    outcomes["requeued"] = requeue_stale(now, stale_after)
    db.session.commit()
    with connected(mailer) as open_mailer:
        for _ in range(limit):
            ids = claim_pending(1, now)
            db.session.commit()
            if not ids:
                break
            outcomes[send_claimed(ids[0], open_mailer, now).value] += 1
    return outcomes


def deliver_many(message_ids: list[int], mailer: Mailer, now: datetime | None = None,
                 mark_every: int = MARK_EVERY) -> Counter[str]:
    """Claim the given rows that are pending and due (one UPDATE, committed),
    send them over one connection, and mark them sent ``mark_every`` at a time.

    The at-least-once window grows from one mail to ``mark_every`` mails: a
    deliverer killed mid-chunk leaves those rows 'sending', and after
    ``STALE_CLAIM`` they go out again (the same Message-ID each time).
    """
    now = now or utcnow()
    claimed = _claim_where(OutboxMessage.id.in_(message_ids), now=now) if message_ids else []
    db.session.commit()
    outcomes: Counter[str] = Counter(skipped=len(set(message_ids)) - len(claimed))
    with connected(mailer) as open_mailer:
        for start in range(0, len(claimed), mark_every):
            outcomes.update(_send_chunk(claimed[start:start + mark_every], open_mailer, now))
    return outcomes


def _prefetch(messages: list[OutboxMessage]) -> list[Any]:
    """Load what the renderers look up, one query per table for the whole chunk:
    their ``session.get`` calls then find the rows in the identity map."""
    from hgkiemtra.cases.models import Case
    from hgkiemtra.deadlines.models import Deadline
    from hgkiemtra.people.models import User
    from hgkiemtra.reminders.models import Reminder

    reminder_ids = {int(m.payload["reminder_id"]) for m in messages
                    if isinstance(m.payload, dict) and m.payload.get("reminder_id")}
    reminders = _load_all(Reminder, reminder_ids)
    case_ids = {m.case_id for m in messages if m.case_id} | {r.case_id for r in reminders}
    # Escalations list the case team: its seats and their users, loaded with the cases.
    teams = (selectinload(Case.team),) if any(
        m.kind == "deadline_escalation" for m in messages) else ()
    return [*reminders,
            *_load_all(User, {m.recipient_id for m in messages if m.recipient_id}),
            *_load_all(Deadline, {r.deadline_id for r in reminders}),
            *_load_all(Case, case_ids, *teams)]


def _load_all(model: Any, ids: set[int], *options: Any) -> list[Any]:
    if not ids:
        return []
    return list(db.session.scalars(sa.select(model).where(model.id.in_(ids)).options(*options)))


def _send_chunk(ids: list[int], mailer: Mailer, now: datetime) -> Counter[str]:
    messages = list(db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids))
        .order_by(OutboxMessage.id).execution_options(populate_existing=True)))
    loaded = _prefetch(messages)  # held: the identity map only keeps referenced rows
    sent, failures = [], []
    for message in messages:
        try:
            mailer.transport.send(render(message, mailer.base_url))
        except SQLAlchemyError:
            db.session.rollback()
            raise  # the chunk stays claimed; requeue_stale picks it up again
        except Exception as exc:  # noqa: BLE001 - recorded on the row
            failures.append((message, exc))
        else:
            sent.append(message.id)
    if sent:
        _update_count(sa.update(OutboxMessage).where(OutboxMessage.id.in_(sent))
                      .values(status="sent", sent_at=utcnow(), last_error=""))
    outcomes = Counter({Outcome.SENT.value: len(sent)})
    for message, exc in failures:
        outcomes[_record_failure(message, exc, now).value] += 1
    db.session.commit()
    del loaded
    log.info("outbox: %d sent, %d failed of %d claimed", len(sent), len(failures), len(ids))
    return outcomes


def send_claimed(message_id: int, mailer: Mailer, now: datetime | None = None) -> Outcome:
    """Render and send a row this caller has claimed, then commit the result."""
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if message is None or message.status != "sending":
        return Outcome.SKIPPED
    try:
        mail = render(message, mailer.base_url)
        mailer.transport.send(mail)
    except SQLAlchemyError:
        db.session.rollback()
        raise  # the row stays claimed; requeue_stale picks it up again
    except Exception as exc:  # noqa: BLE001 - every other failure is recorded on the row
        db.session.rollback()
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        assert message is not None
        outcome = _record_failure(message, exc, now or utcnow())
    else:
        message.status = "sent"
        message.sent_at = utcnow()
        message.last_error = ""
        outcome = Outcome.SENT
    db.session.commit()
    log.info("outbox %s (%s): %s", message_id, message.kind, outcome.value)
    return outcome


def _record_failure(message: OutboxMessage, exc: Exception, now: datetime) -> Outcome:
    message.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARS]
    message.claimed_at = None
    if is_permanent(exc) or message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
        log.warning("outbox %s failed for good: %s", message.id, message.last_error)
        return Outcome.FAILED
    message.status = "pending"
    message.next_attempt_at = now + backoff(message.attempts)
    return Outcome.RETRY


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 1, 2, 4 ... minutes, at most an hour."""
    wait: timedelta = BACKOFF_BASE * 2 ** max(attempts - 1, 0)
    return min(wait, BACKOFF_MAX)


def is_permanent(exc: Exception) -> bool:
    """Whether retrying cannot help: nothing to render, or the server said 5xx
    about this mail (its recipient or its content), not about itself."""
    if isinstance(exc, Undeliverable):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def requeue_stale(now: datetime | None = None, stale_after: timedelta = STALE_CLAIM) -> int:
    """Claims older than ``stale_after`` (their deliverer died; the setting
    ``OUTBOX_CLAIM_TIMEOUT_SECONDS``): pending again, or failed when their
    attempts are used up. The caller commits."""
    now = now or utcnow()
    stale = sa.and_(OutboxMessage.status == "sending",
                    OutboxMessage.claimed_at < now - stale_after)
    note = "claim expired: the deliverer stopped mid-send; the mail may arrive twice"
    failed = _update_count(
        sa.update(OutboxMessage)
        .where(stale, OutboxMessage.attempts >= MAX_ATTEMPTS)
        .values(status="failed", claimed_at=None, last_error=note)
    )
    requeued = _update_count(
        sa.update(OutboxMessage)
        .where(stale)
        .values(status="pending", claimed_at=None, next_attempt_at=None, last_error=note)
    )
    if failed or requeued:
        log.warning("outbox: %d stale claim(s) re-queued, %d failed", requeued, failed)
    return requeued


def _update_count(stmt: sa.Update) -> int:
    result = db.session.execute(stmt.execution_options(synchronize_session=False))
    return int(cast(sa.CursorResult[Any], result).rowcount)


def resend(message_id: int) -> OutboxMessage:
    """An admin's retry of a failed row: pending again, attempts reset. Flushes."""
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if message is None:
        raise NotFound(msg("Không tìm thấy thư {message_id}", message_id=message_id))
    if message.status != "failed":
        raise ValidationFailed(
            msg("Chỉ gửi lại được thư đã gửi thất bại"), {"status": message.status}
        )
    message.status = "pending"
    message.attempts = 0
    message.next_attempt_at = None
    db.session.flush()
    return message


# --- reading, for the admin screens ----------------------------------------

PAGE_SIZE = 50
STATUSES = ("pending", "sending", "sent", "failed")


def list_outbox(status: str | None = None, page: int = 1,
                per_page: int = PAGE_SIZE) -> tuple[list[OutboxMessage], int]:
    """One page of outbox rows, newest first, and how many there are in all."""
    if status is not None and status not in STATUSES:
        raise ValidationFailed(
            msg("Trạng thái phải là một trong: {statuses}", statuses=", ".join(STATUSES))
        )
    query = sa.select(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return _page(query.order_by(OutboxMessage.id.desc()), page, per_page)


def list_sink_mails(page: int = 1, per_page: int = PAGE_SIZE,
                    to_addr: str | None = None) -> tuple[list[SinkMail], int]:
    """One page of the local mail sink, newest first, and the total."""
    query = sa.select(SinkMail)
    if to_addr:
        query = query.where(SinkMail.to_addr == to_addr)
    return _page(query.order_by(SinkMail.id.desc()), page, per_page)


def _page(query: sa.Select[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    page, per_page = max(page, 1), min(max(per_page, 1), 500)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return rows, int(total)
