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
from sqlalchemy.orm import lazyload

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case, CasePhaseCount
from hgkiemtra.cases.queries import on_team
from hgkiemtra.core.db import db
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.people.models import Organisation
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
    stmt = stmt.options(lazyload(Case.organisation))  # not shown: a shorter plan
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
        # The panel shows the case's reference and title only: joining its
        # organisation and subject would just lengthen the plan.
        .options(lazyload(Case.organisation), lazyload(Case.subject_member),
                 lazyload(Case.subject_org))
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
    # Everything (a province's chair): no condition, the counts join no organisations.
    everything = _holds_every_organisation(actor)
    totals = _open_by_phase(
        sa.true() if everything else actor.visible_org_filter(CasePhaseCount.org_id))
    late, soon = _deadline_counts(
        sa.true() if everything else actor.visible_org_filter(Case.org_id), today)
    return [
        PhaseCount(p.value, PHASE_LABELS_VI[p], totals.get(p.value, 0), late.get(p.value, 0),
                   soon.get(p.value, 0))
        for p in PHASE_ORDER
        if p is not Phase.CLOSED
    ]


def _holds_every_organisation(actor: Actor) -> bool:
    roots = actor.scope_paths()
    if not roots or "/" in roots:
        return bool(roots)
    outside = sa.select(Organisation.id).where(sa.not_(sa.or_(
        *(Organisation.path.startswith(root, autoescape=True) for root in roots))))
    return db.session.execute(outside.limit(1)).first() is None


def _open_by_phase(in_scope: sa.ColumnElement[bool]) -> dict[str, int]:
    """Open cases in scope by phase, summed from the kept counts (cases.phase_counts):
    a few rows per organisation, not one per case. Closed cases are never shown."""
    stmt = (
        sa.select(CasePhaseCount.phase, sa.func.sum(CasePhaseCount.cases))
        .where(in_scope, CasePhaseCount.phase != Phase.CLOSED.value)
        .group_by(CasePhaseCount.phase)
    )
    return {phase: int(count or 0) for phase, count in db.session.execute(stmt).all()}


def _deadline_counts(
    in_scope: sa.ColumnElement[bool], today: date
) -> tuple[dict[str, int], dict[str, int]]:
    """Open cases in scope with a running deadline overdue, and with one due within
    the week, by phase. These depend on today's date: counted, never kept, each
    from a range of the running deadlines (index ix_deadlines_running_due_on)."""
    in_scope = sa.and_(in_scope, Case.phase != Phase.CLOSED.value)
    # Overdue: a semi-join (EXISTS) of the open cases and the running deadlines,
    # each case counted once: both partial indexes read in case id order and
    # merged (ix_cases_open_id_phase_org, ix_deadlines_running_case_id).
    late = sa.exists().where(Deadline.case_id == Case.id, *_running(Deadline.due_on < today))
    overdue = _count_by_phase(
        sa.select(Case.phase, sa.func.count(Case.id)).where(in_scope, late))
    # Due this week: a few deadlines (ix_deadlines_running_due_on), each probing
    # its open case (a case running two counts once); no scan of the open cases.
    week = _running(Deadline.due_on >= today, Deadline.due_on < today + timedelta(days=WEEK))
    due_soon = _count_by_phase(
        sa.select(Case.phase, sa.func.count(sa.distinct(Case.id)))
        .select_from(Deadline).join(Case, Case.id == Deadline.case_id).where(in_scope, *week))
    return overdue, due_soon


def _running(*due: sa.ColumnElement[bool]) -> tuple[sa.ColumnElement[bool], ...]:
    # A paused clock (a procedure allowing it) is neither late nor due soon.
    return (Deadline.status == "open", Deadline.paused_since.is_(None), *due)


def _count_by_phase(stmt: sa.Select[tuple[str, int]]) -> dict[str, int]:
    rows = db.session.execute(stmt.group_by(Case.phase)).all()
    return {phase: int(count) for phase, count in rows}
