"""Deadlines of a case: planned when a state is entered, closed when it is left."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.deadlines.models import CalendarOverride, Deadline
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
) -> list[Deadline]:
    """Store the deadlines ``state`` starts, each with how it was computed."""
    if not state.deadlines:
        return []
    calendar = calendar or working_calendar()
    planned = []
    for rule in state.deadlines:
        override = event_data.get(rule.due_date_field) if rule.due_date_field else None
        if override:
            due = date.fromisoformat(override)
            explanation = (
                f"Hạn do kế hoạch ấn định: {due.isoformat()} (nhập khi chuyển bước; "
                f"mặc định theo quy tắc là {rule.amount} {rule.unit.value})."
            )
            amount, unit = None, None
        else:
            computed = calendar.compute(anchor_on, rule.amount, rule.unit)
            due, explanation = computed.due, computed.explain()
            amount, unit = rule.amount, rule.unit.value
        status_note = "" if rule.is_confirmed else " Giá trị mặc định, chưa được xác nhận."
        deadline = Deadline(
            case_id=case.id,
            rule=rule.name,
            label=rule.label,
            state=state.name,
            anchor_on=anchor_on,
            due_on=due,
            amount=amount,
            unit=unit,
            citation=rule.citation,
            explanation=f"{rule.label}.\n{explanation}{status_note}",
        )
        db.session.add(deadline)
        planned.append(deadline)
    return planned


def overdue_case_ids_clause(today: date) -> sa.ColumnElement[bool]:
    """WHERE clause: the case has an open deadline that has passed."""
    return sa.exists().where(
        Deadline.case_id == Case.id, Deadline.status == "open", Deadline.due_on < today
    )
