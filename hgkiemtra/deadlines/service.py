"""Deadlines of a case: planned when a state is entered, closed when it is left.

Planning a deadline plans its reminders; closing one cancels them
(``reminders.planning``), in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from hgkiemtra.cases.models import Case
from hgkiemtra.core import config_cache
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.deadlines import explanations
from hgkiemtra.deadlines.models import CalendarOverride, Deadline
from hgkiemtra.deadlines.rules import terms_for
from hgkiemtra.reminders import planning as reminders
from workflows import registry
from workflows.calendar import WorkingCalendar
from workflows.engine import StateDef


def working_calendar() -> WorkingCalendar:
    """The national calendar with the overrides an admin has stored."""
    return config_cache.cached("calendar", _load_calendar)


def _load_calendar() -> WorkingCalendar:
    rows = db.session.execute(sa.select(CalendarOverride)).scalars().all()
    return WorkingCalendar(
        extra_days_off=[r.day for r in rows if not r.is_working_day],
        extra_working_days=[r.day for r in rows if r.is_working_day],
    )


def close_open_deadlines(case: Case, now: datetime, status: str = "met") -> None:
    """Close every open deadline of ``case`` and cancel their planned reminders,
    in set-based statements (no row is loaded: this runs on every transition)."""
    db.session.flush()  # Core statements below: nothing pending may be lost by the expiry
    table = Deadline.__table__
    open_ids = sa.select(table.c.id).where(table.c.case_id == case.id, table.c.status == "open")
    close = sa.update(table).where(table.c.id.in_(open_ids)).values(status=status, closed_at=now)
    reason = f"deadline {status}"
    if db.session.get_bind().dialect.name == "postgresql":
        # One round trip: the CTE closes the deadlines, the outer UPDATE their reminders.
        closed = close.returning(table.c.id).cte("closed")
        db.session.execute(reminders.cancel_statement(sa.select(closed.c.id), reason))
    else:
        db.session.execute(reminders.cancel_statement(open_ids, reason))
        db.session.execute(close)
    reminders.expire_loaded(case.id)


def open_deadlines(case_id: int) -> list[Deadline]:
    return list(
        db.session.execute(
            sa.select(Deadline)
            .where(Deadline.case_id == case_id, Deadline.status == "open")
            .order_by(Deadline.due_on)
        ).scalars()
    )


def plan_deadlines(
    case: Case,
    state: StateDef,
    anchor_on: date,
    event_data: dict[str, Any],
    calendar: WorkingCalendar | None = None,
    now: datetime | None = None,
    chairs: list[int] | None = None,
) -> list[Deadline]:
    """Store the deadlines ``state`` starts, each with how it was computed, and
    plan their reminders."""
    if not state.deadlines:
        return []
    calendar = calendar or working_calendar()
    definition = registry.get(case.workflow_name, case.workflow_version)
    planned = []
    for rule in state.deadlines:
        terms = terms_for(definition, rule, anchor_on)
        override = event_data.get(rule.due_date_field) if rule.due_date_field else None
        if override:
            due = date.fromisoformat(override)
            body = explanations.fixed_by_plan(due, terms.amount, terms.unit)
            amount, unit = None, None
        else:
            computed = calendar.compute(anchor_on, terms.amount, terms.unit)
            due, body = computed.due, computed.explain_lines()
            amount, unit = terms.amount, terms.unit.value
        lines = explanations.planned(rule.label, terms.rule_set.name if terms.rule_set else None,
                                     terms.is_confirmed, body)
        deadline = Deadline(
            case_id=case.id,
            rule=rule.name,
            label=rule.label,
            state=state.name,
            anchor_on=anchor_on,
            due_on=due,
            amount=amount,
            unit=unit,
            rule_set=terms.rule_set.key if terms.rule_set else None,
            citation=terms.citation,
        )
        explanations.store(deadline, lines)
        db.session.add(deadline)
        planned.append(deadline)
    db.session.flush()
    reminders.plan_new_deadlines(case, planned, now or utcnow(), calendar, chairs)
    return planned


def find_rule(case: Case, deadline: Deadline) -> Any:
    """The definition's rule a stored deadline came from (None if it is gone)."""
    definition = registry.get(case.workflow_name, case.workflow_version)
    state = definition.state_map.get(deadline.state)
    return next((r for r in state.deadlines if r.name == deadline.rule), None) if state else None


def overdue_case_ids_clause(today: date) -> sa.ColumnElement[bool]:
    """WHERE clause: the case has an open deadline that has passed."""
    return sa.exists().where(
        Deadline.case_id == Case.id,
        Deadline.status == "open",
        Deadline.paused_since.is_(None),
        Deadline.due_on < today,
    )
