"""Stored deadlines, each with the explanation of how it was computed."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hgkiemtra.core.db import UTCDateTime, db, utcnow


class Deadline(db.Model):
    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    rule: Mapped[str] = mapped_column(sa.String(60))
    label: Mapped[str] = mapped_column(sa.String(255))
    state: Mapped[str] = mapped_column(sa.String(60))
    anchor_on: Mapped[date] = mapped_column(sa.Date)
    due_on: Mapped[date] = mapped_column(sa.Date)
    amount: Mapped[int | None] = mapped_column(sa.Integer)
    unit: Mapped[str | None] = mapped_column(sa.String(20))
    citation: Mapped[str] = mapped_column(sa.Text, default="")
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    # open -> met (the state was left in time or late) | cancelled
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("status in ('open', 'met', 'cancelled')", name="status"),
        sa.Index("ix_deadlines_status_due_on", "status", "due_on"),
    )


class CalendarOverride(db.Model):
    """An extra day off, or a make-up working Saturday, declared by an admin."""

    __tablename__ = "calendar_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True)
    is_working_day: Mapped[bool] = mapped_column(sa.Boolean)
    reason: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
