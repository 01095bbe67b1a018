"""Median days spent in each phase, for the statistics (the heaviest figure).

A case's time in a phase is the sum of its stays there (a case sent back
re-enters a phase); only cases no longer in the phase count, and the day
they last left it places them in a period. Only a case with an event in the
period can have left a phase in it, so the stays are computed for those
cases alone: on PostgreSQL each one's events are read through a LATERAL
subquery, one index-only range per case on ``(case_id, seq) INCLUDE
(occurred_at, to_state)``, instead of a merge over the whole events table.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.replica import read_session
from hgkiemtra.reports import sqlfuncs
from hgkiemtra.reports.periods import Period
from workflows import registry


def _phase_table() -> dict[str, dict[str, str]]:
    """workflow name -> state -> phase."""
    by_name: dict[str, dict[str, str]] = defaultdict(dict)
    for definition in registry.all_definitions():
        for state in definition.states:
            by_name[definition.name][state.name] = state.phase.value
    return by_name


def phase_of_state(workflow_name: Any, to_state: Any) -> Any:
    """CASE workflow_name WHEN … THEN CASE to_state WHEN … THEN phase: the phase of
    the state an event entered (a state keeps its phase across versions)."""
    return sa.case(
        {name: sa.case(states, value=to_state) for name, states in _phase_table().items()},
        value=workflow_name,
    )


def phases(conditions: list[sa.ColumnElement[bool]], period: Period,
           ) -> dict[str, tuple[float | None, int]]:
    """phase -> (median days, cases counted)."""
    start, end = period.utc_bounds()
    postgresql = sqlfuncs.is_postgresql(read_session().get_bind())
    spells = (_lateral_spells if postgresql else _windowed_spells)(conditions, start, end)
    per_case = (
        sa.select(spells.c.phase,
                  sa.func.sum(sqlfuncs.days_between(spells.c.entered, spells.c.left_at))
                  .label("days"))
        .where(spells.c.left_at.is_not(None), spells.c.phase != spells.c.current_phase)
        .group_by(spells.c.case_id, spells.c.phase)
        .having(sa.and_(sa.func.max(spells.c.left_at) >= start,
                        sa.func.max(spells.c.left_at) < end))
        .subquery("per_case")
    )
    if postgresql:
        stmt = sa.select(per_case.c.phase,
                         sa.func.percentile_cont(0.5).within_group(per_case.c.days),
                         sa.func.count()).group_by(per_case.c.phase)
        return {phase: (float(med) if med is not None else None, int(n))
                for phase, med, n in read_session().execute(stmt)}
    values: dict[str, list[float]] = defaultdict(list)
    for phase, days in read_session().execute(sa.select(per_case.c.phase, per_case.c.days)):
        values[phase].append(float(days))
    return {phase: (sqlfuncs.python_median(v), len(v)) for phase, v in values.items()}


def _touched(start: Any, end: Any) -> sa.Select[Any]:
    return sa.select(CaseEvent.case_id).where(CaseEvent.occurred_at >= start,
                                              CaseEvent.occurred_at < end)


def _lateral_spells(conditions: list[sa.ColumnElement[bool]], start: Any, end: Any,
                    ) -> sa.Subquery:
    cases = (sa.select(Case.id, Case.workflow_name, Case.phase)
             .where(Case.id.in_(_touched(start, end)), *conditions).subquery("touched"))
    # The phase is computed inside the LATERAL subquery: its window function keeps
    # PostgreSQL from pulling it up, so the nested CASE runs once per event, not
    # again in each filter, group and sort key above.
    steps = (
        sa.select(CaseEvent.occurred_at.label("entered"),
                  phase_of_state(cases.c.workflow_name, CaseEvent.to_state).label("phase"),
                  sa.func.lead(CaseEvent.occurred_at).over(order_by=CaseEvent.seq)
                  .label("left_at"))
        .where(CaseEvent.case_id == cases.c.id)
        .lateral("steps")
    )
    return (
        sa.select(cases.c.id.label("case_id"), steps.c.phase,
                  cases.c.phase.label("current_phase"), steps.c.entered, steps.c.left_at)
        .select_from(cases.join(steps, sa.true()))
        .subquery("spells")
    )


def _windowed_spells(conditions: list[sa.ColumnElement[bool]], start: Any, end: Any,
                     ) -> sa.Subquery:
    """The portable form (SQLite has no LATERAL): one window over the cases' events."""
    return (
        sa.select(
            CaseEvent.case_id.label("case_id"),
            phase_of_state(Case.workflow_name, CaseEvent.to_state).label("phase"),
            Case.phase.label("current_phase"),
            CaseEvent.occurred_at.label("entered"),
            sa.func.lead(CaseEvent.occurred_at).over(
                partition_by=CaseEvent.case_id, order_by=CaseEvent.seq).label("left_at"),
        )
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.case_id.in_(_touched(start, end)), *conditions)
        .subquery("spells")
    )
