"""The SQL behind the statistics: a handful of GROUP BY queries per period.

Each query returns small grouped rows (by kind, subject type, event, outcome,
level…); ``sections.py`` adds them up into the report's figures. Nothing is
counted row by row in Python, so the cost stays with the indexes at 100,000
cases (see ``reports/models.py`` for the ones added for this).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.replica import read_session
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.people.models import Organisation
from hgkiemtra.reports import phase_times, sqlfuncs
from hgkiemtra.reports.periods import Period
from workflows.engine import Phase

INSPECTION_KINDS = ("inspection_violation", "inspection_lower_work", "financial_inspection",
                    "asset_declaration")
SUPERVISION_KINDS = ("supervision",)
# Events whose date places a case in a period, by what they mean for the report.
COUNTED_EVENTS = ("decide", "conclude", "decide_discipline", "propose_discipline",
                  "no_discipline", "accept", "reject", "forward", "withdraw",
                  "keep_as_information", "rule", "escalate")
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


def _json_text(column: Any, key: str) -> Any:
    return column[key].as_string()


def _events(conditions: list[sa.ColumnElement[bool]], period: Period,
            ) -> dict[EventKey, tuple[int, int]]:
    detail = sa.func.coalesce(_json_text(CaseEvent.data, "outcome"),
                              _json_text(CaseEvent.data, "ruling"),
                              _json_text(CaseEvent.data, "form"))
    level = sa.func.coalesce(_json_text(Case.data, "body_level"), Organisation.level)
    combined = _json_text(Case.data, "admission").is_not(None)
    amount = sa.func.sum(sa.cast(_json_text(CaseEvent.data, "amount_to_recover"), sa.Numeric))
    stmt = (
        sa.select(Case.kind, Case.subject_type, CaseEvent.event, detail, level, combined,
                  sa.func.count(), amount)
        .select_from(CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .join(Organisation, Organisation.id == Case.org_id)
        .where(CaseEvent.event.in_(COUNTED_EVENTS), _in_period(CaseEvent.occurred_at, period),
               *conditions)
        .group_by(Case.kind, Case.subject_type, CaseEvent.event, detail, level, combined)
    )
    return {
        EventKey(kind, subject_type, event, detail, level, bool(is_combined)):
            (int(count), int(total or 0))
        for kind, subject_type, event, detail, level, is_combined, count, total
        in read_session().execute(stmt)
    }


def _subjects(conditions: list[sa.ColumnElement[bool]], period: Period) -> dict[str, int]:
    """Distinct members and organisations inspected or supervised: subjects of the cases
    whose decision to inspect or supervise was issued in the period, split by who acts."""
    is_cell = Organisation.level == "cell"
    columns: dict[str, Any] = {}
    for group, kinds in (("inspected", INSPECTION_KINDS), ("supervised", SUPERVISION_KINDS)):
        for subject, column in (("members", Case.subject_member_id),
                                ("organisations", Case.subject_org_id)):
            of_group = Case.kind.in_(kinds)
            for actor, cond in (("cells", is_cell), ("committee", sa.not_(is_cell)),
                                ("total", sa.true())):
                name = f"{group}.{subject}.{actor}"
                columns[name] = sa.func.count(sa.distinct(
                    sa.case((sa.and_(of_group, cond), column), else_=None)))
    stmt = (
        sa.select(*(expr.label(name.replace(".", "__")) for name, expr in columns.items()))
        .select_from(CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .join(Organisation, Organisation.id == Case.org_id)
        .where(CaseEvent.event == "decide",
               Case.kind.in_(INSPECTION_KINDS + SUPERVISION_KINDS),
               _in_period(CaseEvent.occurred_at, period), *conditions)
    )
    row = read_session().execute(stmt).one()
    return {name: int(value or 0) for name, value in zip(columns, row, strict=True)}


def _received(conditions: list[sa.ColumnElement[bool]], period: Period,
              ) -> dict[tuple[str, str], int]:
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
    those the missed ones: still open and running, or met after their due day."""
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
