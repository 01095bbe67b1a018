"""Issued reports (frozen figures), the statistics summary tables, and the indexes the
statistics queries use."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.db import UTCDateTime, db, utcnow
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.people.models import Organisation, User


class IssuedReport(db.Model):
    """A quarterly, annual or custom report as issued: its figures never change.

    ``figures`` holds every figure by key as computed when issued;
    ``snapshot`` the whole report (labels, previous period, definitions) so the
    page shows it exactly as it was. ``kinds_key`` is the case-kind filter
    (sorted, comma-separated; empty for all kinds): one report per
    organisation, period and filter.
    """

    __tablename__ = "issued_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    period_kind: Mapped[str] = mapped_column(sa.String(10))
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)  # the last day, inclusive
    kinds_key: Mapped[str] = mapped_column(sa.String(400), default="")
    figures: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    reference: Mapped[str] = mapped_column(sa.String(100))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    issued_by: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("org_id", "period_kind", "period_start", "period_end", "kinds_key"),
        sa.CheckConstraint("period_kind in ('quarter', 'year', 'custom')", name="period_kind"),
        sa.CheckConstraint("period_end >= period_start", name="period_order"),
    )

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k in self.kinds_key.split(",") if k)


class StatEvent(db.Model):
    """A counted event (``measures.COUNTED_EVENTS``) with everything the statistics
    group and filter it by, so a period's figures read this narrow table alone.

    Kept by database triggers (``reports/summary.py``): a row is written with its
    event; the case's organisation, subject, vote level and track are kept in step
    when the case row changes (an organisation handed over to its successor, a vote).
    """

    __tablename__ = "stat_events"

    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    event: Mapped[str] = mapped_column(sa.String(60))
    detail: Mapped[str | None] = mapped_column(sa.Text)  # outcome, ruling or form
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric)  # amount_to_recover
    kind: Mapped[str] = mapped_column(sa.String(40))
    subject_type: Mapped[str] = mapped_column(sa.String(20))
    subject_member_id: Mapped[int | None] = mapped_column(sa.Integer)
    subject_org_id: Mapped[int | None] = mapped_column(sa.Integer)
    org_id: Mapped[int] = mapped_column(sa.Integer)
    org_level: Mapped[str] = mapped_column(sa.String(20))
    body_level: Mapped[str | None] = mapped_column(sa.Text)  # the case data's body_level
    is_combined: Mapped[bool] = mapped_column(sa.Boolean)  # the case data has an admission


class PhaseStay(db.Model):
    """A case's time in one phase: the finished stays in ``micros``, the start of
    the stay under way in ``entered_at`` (``is_current``), and when it last left.

    Kept by database triggers on the case row's phase (``reports/summary.py``),
    so the median days per phase are a percentile over the rows whose last
    leaving falls in the period.
    """

    __tablename__ = "stat_phase_stays"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)
    phase: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    org_id: Mapped[int] = mapped_column(sa.Integer)
    micros: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_current: Mapped[bool] = mapped_column(sa.Boolean)

    __table_args__ = (
        # A period's finished stays, read from the index alone on PostgreSQL.
        sa.Index("ix_stat_phase_stays_left", "last_left_at",
                 postgresql_include=["phase", "micros", "org_id", "kind"],
                 postgresql_where=sa.text("NOT is_current"),
                 sqlite_where=sa.text("NOT is_current")),
    )


# Statistics indexes on other areas' tables (declared here, created by the
# issued_reports and statistics_indexes migrations): steps by name and date,
# the cases touched in a period (by date, with the case), each case's timeline
# read index-only, cases by opening day (with what the received counts need),
# deadlines by due day and their cases by id.
STATISTICS_INDEXES = (
    sa.Index("ix_case_events_event_occurred_at", CaseEvent.event, CaseEvent.occurred_at),
    sa.Index("ix_case_events_occurred_at_case_id", CaseEvent.occurred_at, CaseEvent.case_id),
    sa.Index("ix_case_events_case_id_seq_timeline", CaseEvent.case_id, CaseEvent.seq,
             postgresql_include=["occurred_at", "to_state"]),
    # The cases received in a period, read from the index alone (f1a2b3c4d501).
    sa.Index("ix_cases_opened_on_kind", Case.opened_on, Case.kind, Case.subject_type,
             Case.org_id),
    sa.Index("ix_deadlines_due_on", Deadline.due_on),
    # A deadline's case kind and organisation by its id, from the index alone.
    sa.Index("ix_cases_id_kind_org_id", Case.id, Case.kind, Case.org_id),
)
