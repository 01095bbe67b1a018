"""Deadlines of a case: planned when a state is entered, closed when it is left.

Planning a deadline plans its reminders; closing one cancels them
(``reminders.planning``), in the same transaction.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from hgkiemtra.cases import audit
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


def close_open_deadlines(case: Case, now: datetime, status: str = "met", *,
                         event_row: dict[str, Any] | None = None) -> None:
    """Close every open deadline of ``case`` and cancel their planned reminders,
    in set-based statements (no row is loaded: this runs on every transition).
    ``event_row``, the transition's audit event (``audit.chain_event``), is
    written first, in the same statement on PostgreSQL (one round trip)."""
    db.session.flush()  # Core statements below: nothing pending may be lost by the expiry
    dialect = db.session.get_bind().dialect.name
    params = {"of_case": case.id, "at": now}
    if event_row is not None:
        if dialect == "postgresql":
            params |= {f"ev_{key}": value for key, value in event_row.items()}
        else:
            audit.insert_event(event_row)
    with_event = event_row is not None and dialect == "postgresql"
    for statement in _closing_statements(dialect, status, with_event):
        db.session.execute(statement, params)
    reminders.expire_loaded(case.id)


@functools.cache
def _closing_statements(dialect: str, status: str,
                        with_event: bool = False) -> tuple[sa.Executable, ...]:
    """The statements of ``close_open_deadlines``, built once per status."""
    table = Deadline.__table__
    open_ids = sa.select(table.c.id).where(table.c.case_id == sa.bindparam("of_case"),
                                           table.c.status == "open")
    close = (sa.update(table).where(table.c.id.in_(open_ids))
             .values(status=status, closed_at=sa.bindparam("at")))
    reason = f"deadline {status}"
    if dialect == "postgresql":
        # One round trip: the CTE closes the deadlines, the outer UPDATE their reminders.
        closed = close.returning(table.c.id).cte("closed")
        cancel = reminders.cancel_statement(sa.select(closed.c.id), reason)
        if with_event:
            # The event's INSERT rides along as a CTE of its own.
            cancel = cancel.add_cte(audit.event_insert("ev_").cte("ev"))
        return (cancel,)
    return reminders.cancel_statement(open_ids, reason), close


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
    plan their reminders. The rows go out as Core INSERTs (this runs on every
    transition that enters a state with a deadline); the Deadline objects
    returned hold what was written but are not in the session."""
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
        planned.append(deadline)
    db.session.flush()  # whatever the caller has pending goes first, as before
    for deadline in planned:
        values = {key: getattr(deadline, key) for key in _PLANNED_COLUMNS}
        deadline.id = db.session.execute(_INSERT_DEADLINE, values).scalar_one()
        deadline.status, deadline.paused_since = "open", None
    reminders.plan_new_deadlines(case, planned, now or utcnow(), calendar, chairs)
    return planned


_PLANNED_COLUMNS = ("case_id", "rule", "label", "state", "anchor_on", "due_on", "amount", "unit",
                    "rule_set", "citation", "explanation", "explanation_parts")
_INSERT_DEADLINE = sa.insert(Deadline.__table__).returning(Deadline.__table__.c.id)


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
