"""Deadlines of a case: planned when a state is entered, closed when it is left.

Planning a deadline plans its reminders; closing one cancels them
(``reminders.planning``), in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.deadlines.models import CalendarOverride, Deadline
from hgkiemtra.deadlines.rules import terms_for
from hgkiemtra.reminders import planning as reminders
from workflows import registry
from workflows.calendar import WorkingCalendar
from workflows.engine import StateDef


def working_calendar() -> WorkingCalendar:
    """The national calendar with the overrides an admin has stored."""
    rows = db.session.execute(sa.select(CalendarOverride)).scalars().all()
    return WorkingCalendar(
        extra_days_off=[r.day for r in rows if not r.is_working_day],
        extra_working_days=[r.day for r in rows if r.is_working_day],
    )


def close_open_deadlines(case: Case, now: datetime, status: str = "met") -> None:
    for deadline in open_deadlines(case.id):
        deadline.status = status
        deadline.closed_at = now
        reminders.cancel_for_deadline(deadline.id, f"deadline {status}")


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
            explanation = (
                f"Hạn do kế hoạch ấn định: {due.isoformat()} (nhập khi chuyển bước; "
                f"mặc định theo quy tắc là {terms.amount} {terms.unit.value})."
            )
            amount, unit = None, None
        else:
            computed = calendar.compute(anchor_on, terms.amount, terms.unit)
            due, explanation = computed.due, computed.explain()
            amount, unit = terms.amount, terms.unit.value
        status_note = "" if terms.is_confirmed else " Giá trị mặc định, chưa được xác nhận."
        rule_set_line = f"\nBộ quy định: {terms.rule_set.name}." if terms.rule_set else ""
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
            explanation=f"{rule.label}.{rule_set_line}\n{explanation}{status_note}",
        )
        db.session.add(deadline)
        planned.append(deadline)
    db.session.flush()
    for deadline in planned:
        reminders.replan_deadline(deadline, now or utcnow(), calendar=calendar)
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
