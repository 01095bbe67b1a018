"""The SQL behind the statistics: a handful of GROUP BY queries per period.

Each query returns small grouped rows (by kind, subject type, event, outcome,
level…); ``sections.py`` adds them up into the report's figures. Nothing is
counted row by row in Python, and no query scans or joins the whole cases
table: the events and the phase times come from the summary tables the
database keeps (``reports/summary.py``), read by a period index; the cases
received from an index holding every column they need; each deadline due in
the period finds its case's kind and organisation in an index by case id
(``reports/models.py`` lists the indexes).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from hgkiemtra.cases.models import Case
from hgkiemtra.core.replica import read_session
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.reports import phase_times, sqlfuncs, summary
from hgkiemtra.reports.models import StatEvent
from hgkiemtra.reports.periods import Period
from workflows.engine import Phase

INSPECTION_KINDS = ("inspection_violation", "inspection_lower_work", "financial_inspection",
                    "asset_declaration")
SUPERVISION_KINDS = ("supervision",)
# Events whose date places a case in a period, by what they mean for the report.
COUNTED_EVENTS = summary.COUNTED_EVENTS
MEASURED_PHASES = tuple(p for p in Phase if p is not Phase.CLOSED)


@dataclass(frozen=True)
class EventKey:
    kind: str
    subject_type: str
    event: str
    detail: str | None  # the outcome, ruling or form recorded with the event
    level: str  # the deciding level: the vote's body_level, else the owning org's level
    combined: bool  # the case went the combined track (quy trình kép)


@dataclass
class Measures:
    """Everything counted for one period, before it is laid out in sections."""

    events: dict[EventKey, tuple[int, int]] = field(default_factory=dict)  # (count, amount)
    subjects: dict[str, int] = field(default_factory=dict)
    received: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    deadlines: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (due, late)
    phases: dict[str, tuple[float | None, int]] = field(default_factory=dict)


def measure(conditions: list[sa.ColumnElement[bool]], period: Period, today: date) -> Measures:
    sqlfuncs.without_jit(read_session())
    sqlfuncs.sorts_in_memory(read_session())
    found = Measures()
    found.events = _events(conditions, period)
    found.subjects = _subjects(conditions, period)
    found.received = _received(conditions, period)
    found.deadlines = _deadlines(conditions, period, today)
    found.phases = phase_times.phases(conditions, period)
    return found


def _in_period(column: Any, period: Period) -> sa.ColumnElement[bool]:
    start, end = period.utc_bounds()
    return sa.and_(column >= start, column < end)


def _events(conditions: list[sa.ColumnElement[bool]], period: Period,
            ) -> dict[EventKey, tuple[int, int]]:
    facts = StatEvent.__table__.c
    level = sa.func.coalesce(facts.body_level, facts.org_level)
    stmt = (
        sa.select(facts.kind, facts.subject_type, facts.event, facts.detail, level,
                  facts.is_combined, sa.func.count(), sa.func.sum(facts.amount))
        .where(_in_period(facts.occurred_at, period),
               *summary.adapt(conditions, StatEvent.__table__))
        .group_by(facts.kind, facts.subject_type, facts.event, facts.detail, level,
                  facts.is_combined)
    )
    return {
        EventKey(kind, subject_type, event, detail, level, bool(is_combined)):
            (int(count), int(total or 0))
        for kind, subject_type, event, detail, level, is_combined, count, total
        in read_session().execute(stmt)
    }


def _subjects(conditions: list[sa.ColumnElement[bool]], period: Period) -> dict[str, int]:
    """Distinct members and organisations inspected or supervised: subjects of the cases
    whose decision to inspect or supervise was issued in the period, split by who acts.

    Each subject once per group (hash aggregates, not a sort per distinct count),
    marked if a cell or a committee above cells acted on it; then counted."""
    facts = StatEvent.__table__.c
    rows = (
        sa.select(sa.case((facts.kind.in_(INSPECTION_KINDS), "inspected"), else_="supervised")
                  .label("grp"),
                  facts.subject_member_id.label("members"),
                  facts.subject_org_id.label("organisations"),
                  sa.case((facts.org_level == "cell", 1), else_=0).label("is_cell"))
        .where(facts.event == "decide", facts.kind.in_(INSPECTION_KINDS + SUPERVISION_KINDS),
               _in_period(facts.occurred_at, period),
               *summary.adapt(conditions, StatEvent.__table__))
        .subquery("decided")
    )
    parts = []
    for subject in ("members", "organisations"):
        column = rows.c[subject]
        per_subject = (
            sa.select(rows.c.grp, sa.func.max(rows.c.is_cell).label("cells"),
                      sa.func.max(1 - rows.c.is_cell).label("committee"))
            .where(column.is_not(None)).group_by(rows.c.grp, column).subquery(subject)
        )
        parts.append(sa.select(per_subject.c.grp, sa.literal(subject), sa.func.sum(
            per_subject.c.cells), sa.func.sum(per_subject.c.committee), sa.func.count())
            .group_by(per_subject.c.grp))
    found = {f"{group}.{subject}.{actor}": 0
             for group in ("inspected", "supervised") for subject in ("members", "organisations")
             for actor in ("cells", "committee", "total")}
    for group, subject, cells, committee, total in read_session().execute(sa.union_all(*parts)):
        found.update({f"{group}.{subject}.cells": int(cells or 0),
                      f"{group}.{subject}.committee": int(committee or 0),
                      f"{group}.{subject}.total": int(total)})
    return found


def _received(conditions: list[sa.ColumnElement[bool]], period: Period,
              ) -> dict[tuple[str, str], int]:
    """Read from ``ix_cases_opened_on_kind`` alone (it holds every column used)."""
    stmt = (
        sa.select(Case.kind, Case.subject_type, sa.func.count())
        .where(Case.opened_on >= period.start, Case.opened_on < period.end, *conditions)
        .group_by(Case.kind, Case.subject_type)
    )
    found: dict[tuple[str, str], int] = defaultdict(int)
    for kind, subject_type, count in read_session().execute(stmt):
        found[(kind, subject_type)] = int(count)
    return found


def _deadlines(conditions: list[sa.ColumnElement[bool]], period: Period, today: date,
               ) -> dict[str, tuple[int, int]]:
    """Deadlines due in the period and already past (due before ``today``), and of
    those the missed ones: still open and running, or met after their due day.
    Each one's case is looked up in ``ix_cases_id_kind_org_id`` (index-only)."""
    late = sa.or_(
        sa.and_(Deadline.status == "open", Deadline.paused_since.is_(None)),
        sa.and_(Deadline.status == "met", sqlfuncs.local_date(Deadline.closed_at)
                > Deadline.due_on),
    )
    stmt = (
        sa.select(Case.kind, sa.func.count(),
                  sa.func.sum(sa.case((late, 1), else_=0)))
        .select_from(Deadline)
        .join(Case, Case.id == Deadline.case_id)
        .where(Deadline.due_on >= period.start, Deadline.due_on < min(period.end, today),
               Deadline.status != "cancelled", *conditions)
        .group_by(Case.kind)
    )
    rows = read_session().execute(stmt)
    return {kind: (int(due), int(missed or 0)) for kind, due, missed in rows}
