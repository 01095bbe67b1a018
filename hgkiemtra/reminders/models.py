"""Deadline reminders and their policy; the local mail sink."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hgkiemtra.core.db import UTCDateTime, db, utcnow


class SinkMail(db.Model):
    """One mail kept instead of sent, for an administrator to read in the UI.

    ``outbox_key`` is unique: the sink row and the outbox row's ``sent`` mark
    are written in one transaction, so sink delivery happens exactly once.
    """

    __tablename__ = "sink_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    to_addr: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(500))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Reminder(db.Model):
    """One reminder of one deadline for one recipient, planned ahead.

    planned -> queued (an outbox row was written for it, or, for a digest
    user, it waits for the day's digest: ``outbox_key`` still empty) |
    cancelled (the deadline moved, closed or paused, the team changed, or a
    later reminder of the same deadline superseded it after downtime).
    ``due_on`` is the deadline's due date it was planned for: an extension
    plans new reminders rather than reusing those of the old date.
    """

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the unique constraint's index, which leads with it.
    deadline_id: Mapped[int] = mapped_column(sa.ForeignKey("deadlines.id"))
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    kind: Mapped[str] = mapped_column(sa.String(20))
    offset_days: Mapped[int] = mapped_column(sa.Integer)
    due_on: Mapped[date] = mapped_column(sa.Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(20), default="planned")
    cancel_reason: Mapped[str] = mapped_column(sa.String(40), default="")
    outbox_key: Mapped[str | None] = mapped_column(sa.String(255))
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("deadline_id", "kind", "offset_days", "recipient_id", "due_on"),
        sa.CheckConstraint("status in ('planned', 'queued', 'cancelled')", name="status"),
        sa.CheckConstraint(
            "kind in ('before', 'on_day', 'overdue', 'escalation')", name="kind"
        ),
        # The tick's selection: range scans over planned rows only, in its order
        # (every query by status and time is about planned rows).
        sa.Index("ix_reminders_planned_due_at", "due_at", "id",
                 postgresql_where=sa.text("status = 'planned'"),
                 sqlite_where=sa.text("status = 'planned'")),
        # The digest's items: queued rows not yet in a digest, a handful at any time.
        # The tick rewrites every row it queues, so each index costs per reminder:
        # the ones kept are those a query needs (see migration f3c4d5e6f703).
        sa.Index("ix_reminders_digest_pending", "recipient_id",
                 postgresql_where=sa.text("status = 'queued' AND outbox_key IS NULL"),
                 sqlite_where=sa.text("status = 'queued' AND outbox_key IS NULL")),
    )


class ReminderPolicy(db.Model):
    """Which reminders a recipient role gets (see ``workflows.reminders``).

    Missing rows fall back to ``workflows.reminders.DEFAULT_POLICIES``.
    """

    __tablename__ = "reminder_policies"

    role: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    offsets_before: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    on_the_day: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    overdue_every_days: Mapped[int] = mapped_column(sa.Integer, default=3)
    escalate_after_days: Mapped[int] = mapped_column(sa.Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(
            "role in ('leader', 'member', 'directing', 'chair')", name="role"
        ),
    )
