"""The transactional outbox: side effects written with the change, sent after commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hgkiemtra.core.db import UTCDateTime, db, utcnow


class OutboxMessage(db.Model):
    """A message to deliver once. ``key`` makes a second write of the same one fail."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # pending -> sending (claimed by one deliverer) -> sent | pending (retry later)
    # | failed (the retries ran out; an admin may resend). See reminders.service.
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the current 'sending' claim was taken (a stale claim is re-queued).
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A 'pending' row is not tried again before this (backoff after a failure).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint(
            "status in ('pending', 'sending', 'sent', 'failed')", name="status"
        ),
        sa.Index("ix_outbox_messages_status_id", "status", "id"),
    )


def add_message(
    key: str,
    kind: str,
    payload: dict[str, Any],
    recipient_id: int | None = None,
    case_id: int | None = None,
) -> OutboxMessage:
    message = OutboxMessage(
        key=key, kind=kind, payload=payload, recipient_id=recipient_id, case_id=case_id
    )
    db.session.add(message)
    return message


def insert_ignoring_duplicates(model: type[Any], values: dict[str, Any],
                               unique: list[str]) -> bool:
    """INSERT ... ON CONFLICT (unique) DO NOTHING on PostgreSQL and SQLite alike.

    True when the row was written, False when one with the same unique values
    already exists (written by this transaction or a concurrent one).
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"unsupported database {dialect}")
    key_columns = list(model.__table__.primary_key.columns)
    stmt = (
        insert(model).values(**values).on_conflict_do_nothing(index_elements=unique)
        .returning(*key_columns)
    )
    # RETURNING, not rowcount: the ORM-enabled INSERT reports no row count.
    return db.session.execute(stmt).first() is not None


def add_message_once(
    key: str,
    kind: str,
    payload: dict[str, Any],
    recipient_id: int | None = None,
    case_id: int | None = None,
) -> bool:
    """Write an outbox row unless one with ``key`` exists; True if written."""
    return insert_ignoring_duplicates(
        OutboxMessage,
        {"key": key, "kind": kind, "payload": payload, "recipient_id": recipient_id,
         "case_id": case_id},
        ["key"],
    )
