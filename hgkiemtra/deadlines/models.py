"""Stored deadlines, each with the explanation of how it was computed; their
extensions and pauses; calendar overrides and admin-set rule parameters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

# Registered with the models: its token invalidates cached calendar
# overrides, rule parameters and reminder policies.
from hgkiemtra.core.config_cache import ConfigState  # noqa: F401
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
    # The same text as translatable lines (deadlines.explanations); None on older rows.
    explanation_parts: Mapped[list[Any] | None] = mapped_column(sa.JSON)
    # The rule set in force on anchor_on ("qd30", "qd22", "qd296"), if any.
    rule_set: Mapped[str | None] = mapped_column(sa.String(20))
    # open -> met (the state was left in time or late) | cancelled
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    # The clock is stopped since this local day (None: running).
    paused_since: Mapped[date | None] = mapped_column(sa.Date)
    # Days (in the rule's unit: working or calendar) the clock stood still so far.
    paused_days: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    extensions: Mapped[list[DeadlineExtension]] = relationship(
        order_by="DeadlineExtension.id", lazy="selectin", viewonly=True
    )
    pauses: Mapped[list[DeadlinePause]] = relationship(
        order_by="DeadlinePause.id", lazy="selectin", viewonly=True
    )

    __table_args__ = (
        sa.CheckConstraint("status in ('open', 'met', 'cancelled')", name="status"),
        sa.Index("ix_deadlines_status_due_on", "status", "due_on"),
        # The dashboard's overdue / due-this-week counts, read from the index alone
        # (cases/dashboard.py; migration c3d5e7f92d33).
        sa.Index("ix_deadlines_running_due_on", "due_on", "case_id",
                 postgresql_where=sa.text("status = 'open' AND paused_since IS NULL"),
                 sqlite_where=sa.text("status = 'open' AND paused_since IS NULL")),
        # The same in case order, for the dashboard's overdue count (f2b3c4d5e602).
        sa.Index("ix_deadlines_running_case_id", "case_id", "due_on",
                 postgresql_where=sa.text("status = 'open' AND paused_since IS NULL"),
                 sqlite_where=sa.text("status = 'open' AND paused_since IS NULL")),
    )


class CalendarOverride(db.Model):
    """An extra day off, or a make-up working Saturday, declared by an admin."""

    __tablename__ = "calendar_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True)
    is_working_day: Mapped[bool] = mapped_column(sa.Boolean)
    reason: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeadlineExtension(db.Model):
    """A deadline moved later by a decision: both dates are kept."""

    __tablename__ = "deadline_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(sa.ForeignKey("deadlines.id"), index=True)
    old_due_on: Mapped[date] = mapped_column(sa.Date)
    new_due_on: Mapped[date] = mapped_column(sa.Date)
    decision_reference: Mapped[str] = mapped_column(sa.String(200))
    approver_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint("new_due_on > old_due_on", name="later"),)


class DeadlinePause(db.Model):
    """A period during which a deadline's clock stood still."""

    __tablename__ = "deadline_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(sa.ForeignKey("deadlines.id"), index=True)
    paused_on: Mapped[date] = mapped_column(sa.Date)
    resumed_on: Mapped[date | None] = mapped_column(sa.Date)
    # Counted in the rule's unit when resumed (working days or calendar days).
    days: Mapped[int | None] = mapped_column(sa.Integer)
    reason: Mapped[str] = mapped_column(sa.Text)
    resume_note: Mapped[str] = mapped_column(sa.Text, default="")
    paused_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resumed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RuleParameter(db.Model):
    """An administrator's value for a deadline rule under one rule set.

    Overrides the workflow definition's default for deadlines planned from
    now on (stored deadlines keep the value they were computed with).
    """

    __tablename__ = "rule_parameters"

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_name: Mapped[str] = mapped_column(sa.String(60))
    rule: Mapped[str] = mapped_column(sa.String(60))
    rule_set: Mapped[str] = mapped_column(sa.String(20))
    amount: Mapped[int] = mapped_column(sa.Integer)
    unit: Mapped[str] = mapped_column(sa.String(20))
    citation: Mapped[str] = mapped_column(sa.Text, default="")
    is_confirmed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("workflow_name", "rule", "rule_set"),
        sa.CheckConstraint(
            "unit in ('calendar_days', 'working_days', 'months')", name="unit"
        ),
        sa.CheckConstraint("amount >= 0 AND amount <= 3650", name="amount"),
    )
