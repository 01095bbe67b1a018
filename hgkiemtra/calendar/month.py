"""The month view: weeks of days, each with its open deadlines (in the actor's
scope) and whether it is a working day."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.queries import on_team
from hgkiemtra.core.db import db
from hgkiemtra.deadlines.models import CalendarOverride, Deadline
from hgkiemtra.deadlines.service import working_calendar
from workflows.calendar import WorkingCalendar

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Item:
    deadline: Deadline
    case: Case
    is_overdue: bool


@dataclass
class Day:
    day: date
    in_month: bool
    is_today: bool
    kind: str  # working | weekend | holiday | day_off | make_up
    note: str = ""  # the holiday's name or the override's reason
    items: list[Item] = field(default_factory=list)

    @property
    def is_working(self) -> bool:
        return self.kind in ("working", "make_up")


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[Day]]
    overdue: int
    total: int

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=31)).replace(day=1)

    def days_with_items(self) -> list[Day]:
        return [d for week in self.weeks for d in week if d.items and d.in_month]


def parse_month(value: str | None, today: date) -> date:
    """'YYYY-MM' as the first day of that month; this month when absent or invalid."""
    match = MONTH.match(value or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1900 <= year <= 2999 and 1 <= month <= 12:
            return date(year, month, 1)
    return today.replace(day=1)


def grid_bounds(first: date) -> tuple[date, date]:
    """Monday of the first week to Sunday of the last week of the month."""
    start = first - timedelta(days=first.weekday())
    last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    return start, last + timedelta(days=6 - last.weekday())


def open_deadlines(actor: Actor, start: date, end: date, user_id: int | None = None
                   ) -> list[tuple[Deadline, Case]]:
    """Open deadlines due in [start, end] of cases in scope (of the user's team)."""
    stmt = (
        sa.select(Deadline, Case)
        .join(Case, Case.id == Deadline.case_id)
        .where(actor.visible_org_filter(Case.org_id), Deadline.status == "open",
               Deadline.due_on >= start, Deadline.due_on <= end)
        .order_by(Deadline.due_on, Case.id, Deadline.id)
    )
    if user_id is not None:
        stmt = stmt.where(on_team(user_id))
    return [(d, c) for d, c in db.session.execute(stmt).all()]


@lru_cache(maxsize=32)
def holiday_names(year: int, language: str) -> dict[date, str]:
    table = holidays.country_holidays("VN", years=year, language=language)
    return {day: str(name) for day, name in table.items()}


def day_kind(day: date, cal: WorkingCalendar, reasons: dict[date, str], language: str
             ) -> tuple[str, str]:
    why = cal.why_not_working(day)
    if why is None:
        return ("make_up", reasons.get(day, "")) if day.weekday() >= 5 else ("working", "")
    if day in reasons:
        return "day_off", reasons[day]
    name = holiday_names(day.year, language).get(day)
    if name:
        return "holiday", name
    if day.weekday() >= 5:
        return "weekend", ""
    return "holiday", why


def build_month(actor: Actor, first: date, today: date, user_id: int | None = None,
                language: str = "vi") -> Month:
    start, end = grid_bounds(first)
    found = open_deadlines(actor, start, end, user_id)
    by_day: dict[date, list[Item]] = {}
    for deadline, case in found:
        by_day.setdefault(deadline.due_on, []).append(
            Item(deadline, case, deadline.paused_since is None and deadline.due_on < today))
    cal = working_calendar()
    reasons = {r.day: r.reason for r in db.session.scalars(
        sa.select(CalendarOverride).where(CalendarOverride.day.between(start, end)))}
    holiday_language = "vi" if language == "vi" else "en_US"
    weeks: list[list[Day]] = []
    day = start
    while day <= end:
        kind, note = day_kind(day, cal, reasons, holiday_language)
        if not weeks or len(weeks[-1]) == 7:
            weeks.append([])
        weeks[-1].append(Day(day, day.month == first.month, day == today, kind, note,
                             by_day.get(day, [])))
        day += timedelta(days=1)
    in_month = [i for d, items in by_day.items() if d.month == first.month for i in items]
    return Month(first, weeks, sum(i.is_overdue for i in in_month), len(in_month))
