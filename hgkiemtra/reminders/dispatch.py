"""Enqueue delivery right after a commit that wrote outbox rows.

Only a shortcut: ``tick`` delivers within a minute anyway, so a broker that
is down costs a log line, never the request that committed.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import OutboxMessage

log = logging.getLogger(__name__)
_INFO_KEY = "hgkiemtra.outbox_new_ids"
EXTENSION = "hgkiemtra.outbox_dispatch"
PUBLISH_TIMEOUT = 1.0  # seconds


def enable(app: Flask) -> None:
    app.extensions[EXTENSION] = True
    if not sa.event.contains(db.session, "after_flush", _collect):
        sa.event.listen(db.session, "after_flush", _collect)
        sa.event.listen(db.session, "after_commit", _enqueue)
        sa.event.listen(db.session, "after_soft_rollback", _forget)


def _is_enabled() -> bool:
    return has_app_context() and bool(current_app.extensions.get(EXTENSION))


def _collect(session: Session, _flush_context: Any) -> None:
    if not _is_enabled():
        return
    ids = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if ids:
        session.info.setdefault(_INFO_KEY, []).extend(ids)


def _forget(session: Session, _previous_transaction: Any) -> None:
    session.info.pop(_INFO_KEY, None)


def forget_pending(session: Session) -> None:
    """Enqueue nothing at the next commit: the caller deleted the rows it wrote
    (the demo drops its back-dated notifications)."""
    session.info.pop(_INFO_KEY, None)


def _enqueue(session: Session) -> None:
    # SQLAlchemy also calls after_commit when a SAVEPOINT (begin_nested) is
    # released: the rows are not committed yet, so wait for the real commit.
    if session.in_nested_transaction():
        return
    ids = session.info.pop(_INFO_KEY, [])
    if not ids or not _is_enabled():
        return
    try:
        _publish(ids)
    except Exception as exc:  # noqa: BLE001 - the tick delivers them anyway
        log.warning("outbox: could not enqueue delivery of %s (%s); the tick will", ids, exc)


def _publish(message_ids: list[int]) -> None:
    """One attempt, one second at most: a broker that is down must not hold up
    the request (kombu's defaults would retry for several seconds)."""
    from hgkiemtra.reminders.tasks import deliver_message

    celery_app = current_app.extensions["celery"]
    with celery_app.connection_for_write(
        connect_timeout=PUBLISH_TIMEOUT, transport_options={"max_retries": 0}
    ) as connection:
        for message_id in message_ids:
            deliver_message.apply_async((message_id,), connection=connection, retry=False)
