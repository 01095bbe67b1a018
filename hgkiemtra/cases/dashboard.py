"""The numbers and lists on the dashboards, always within the actor's scope.

Inspectors see their own cases and next deadlines; committee members and
chairs see what awaits the committee (review, and the votes: ``cases.votes``)
and, per phase, how many open cases are overdue or due within the week.
Programme progress and targets come from ``programmes.progress``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.queries import on_team
from hgkiemtra.core.db import db
from hgkiemtra.deadlines.models import Deadline
from workflows.engine import PHASE_LABELS_VI, PHASE_ORDER, Phase

WEEK = 7  # "due this week": today and the six days after it
LIST_LIMIT = 10


@dataclass(frozen=True)
class PhaseCount:
    phase: str
    label: str
    open: int
    overdue: int
    due_this_week: int


def _open_cases(actor: Actor) -> sa.Select[tuple[Case]]:
    return sa.select(Case).where(
        actor.visible_org_filter(Case.org_id), Case.phase != Phase.CLOSED.value
    )


def my_cases(actor: Actor, user_id: int, limit: int = LIST_LIMIT) -> list[Case]:
    """Open cases whose team includes the user, most recently moved first."""
    stmt = _open_cases(actor).where(on_team(user_id))
    stmt = stmt.order_by(Case.updated_at.desc(), Case.id.desc()).limit(limit)
    return list(db.session.execute(stmt).scalars())


def my_next_deadlines(
    actor: Actor, user_id: int, limit: int = LIST_LIMIT
) -> list[tuple[Deadline, Case]]:
    """Open deadlines of the user's cases, soonest (or most overdue) first."""
    stmt = (
        sa.select(Deadline, Case)
        .join(Case, Case.id == Deadline.case_id)
        .where(actor.visible_org_filter(Case.org_id), on_team(user_id),
               Deadline.status == "open")
        .order_by(Deadline.due_on, Deadline.id)
        .limit(limit)
    )
    return [(d, c) for d, c in db.session.execute(stmt).all()]


def cases_in_state(actor: Actor, state: str, limit: int = LIST_LIMIT) -> list[Case]:
    stmt = sa.select(Case).where(actor.visible_org_filter(Case.org_id), Case.state == state)
    return list(db.session.execute(stmt.order_by(Case.updated_at).limit(limit)).scalars())


def cases_in_phase(actor: Actor, phase: str, limit: int = LIST_LIMIT) -> list[Case]:
    stmt = sa.select(Case).where(actor.visible_org_filter(Case.org_id), Case.phase == phase)
    return list(db.session.execute(stmt.order_by(Case.updated_at).limit(limit)).scalars())


def phase_counts(actor: Actor, today: date) -> list[PhaseCount]:
    """Per open phase: open cases, those overdue, those with a deadline this week."""
    # Closed cases (most of them, after a few years) are never shown: not counted.
    in_scope = sa.and_(actor.visible_org_filter(Case.org_id), Case.phase != Phase.CLOSED.value)
    totals = _count_by_phase(sa.select(Case.phase, sa.func.count(Case.id)).where(in_scope))
    late = _deadline_counts(in_scope, Deadline.due_on < today)
    soon = _deadline_counts(
        in_scope, Deadline.due_on >= today, Deadline.due_on < today + timedelta(days=WEEK)
    )
    return [
        PhaseCount(p.value, PHASE_LABELS_VI[p], totals.get(p.value, 0), late.get(p.value, 0),
                   soon.get(p.value, 0))
        for p in PHASE_ORDER
        if p is not Phase.CLOSED
    ]


def _deadline_counts(
    in_scope: sa.ColumnElement[bool], *due: sa.ColumnElement[bool]
) -> dict[str, int]:
    """Cases in scope with a running deadline matching ``due``. A semi-join (EXISTS),
    not a join and count(DISTINCT): both sides are read from the partial indexes
    ix_cases_open_phase_org and ix_deadlines_running_due_on, nothing is sorted."""
    running = sa.exists().where(
        Deadline.case_id == Case.id,
        # A paused clock (a procedure allowing it) is neither late nor due soon.
        Deadline.status == "open", Deadline.paused_since.is_(None), *due,
    )
    return _count_by_phase(sa.select(Case.phase, sa.func.count(Case.id)).where(in_scope, running))


def _count_by_phase(stmt: sa.Select[tuple[str, int]]) -> dict[str, int]:
    rows = db.session.execute(stmt.group_by(Case.phase)).all()
    return {phase: int(count) for phase, count in rows}
