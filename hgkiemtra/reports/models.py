"""Issued reports (frozen figures) and the indexes the statistics queries use."""

from __future__ import annotations

from datetime import date, datetime
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


# Statistics indexes on other areas' tables (declared here, created by the
# issued_reports and statistics_indexes migrations): steps by name and date,
# the cases touched in a period (by date, with the case), each case's timeline
# read index-only (median days per phase), cases by opening day, deadlines by
# due day.
STATISTICS_INDEXES = (
    sa.Index("ix_case_events_event_occurred_at", CaseEvent.event, CaseEvent.occurred_at),
    sa.Index("ix_case_events_occurred_at_case_id", CaseEvent.occurred_at, CaseEvent.case_id),
    sa.Index("ix_case_events_case_id_seq_timeline", CaseEvent.case_id, CaseEvent.seq,
             postgresql_include=["occurred_at", "to_state"]),
    sa.Index("ix_cases_opened_on", Case.opened_on),
    sa.Index("ix_deadlines_due_on", Deadline.due_on),
)
