"""The Vietnamese working calendar and legal deadline arithmetic.

Working days are Monday to Friday minus Vietnamese public holidays (from the
``holidays`` package, which also knows the substituted days off the
government announces), plus overrides an administrator stores in the
database: extra days off and make-up working Saturdays.

Counting follows the Civil Code (Bộ luật Dân sự 2015, art. 147-148): the day
of the anchor event is not counted; a period in calendar days or months that
ends on a non-working day ends on the next working day instead.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays

from workflows.text import Msg, msg

# The holidays package names a substituted day off "Day off (substituted from
# MM/DD/YYYY)": the date in brackets is the Saturday worked to make up for it.
_SUBSTITUTED_FROM = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")

MAX_AMOUNT = 3650


class Unit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"


UNIT_LABELS_VI = {
    Unit.CALENDAR_DAYS: "ngày",
    Unit.WORKING_DAYS: "ngày làm việc",
    Unit.MONTHS: "tháng",
}


@dataclass(frozen=True)
class Skipped:
    day: date
    why: str


@dataclass(frozen=True)
class DeadlineComputation:
    """A computed due date together with how it was reached."""

    start: date
    amount: int
    unit: Unit
    due: date
    skipped: tuple[Skipped, ...] = field(default=())

    def explain(self) -> str:
        return "\n".join(self.explain_lines())

    def explain_lines(self) -> list[Msg]:
        """The explanation, one translatable message per line (dates ISO in the text)."""
        lines = [
            msg("Mốc: {start} (không tính ngày xảy ra sự kiện — BLDS 2015 điều 147).",
                start=self.start),
            msg("Thời hạn: {amount} {unit}.", amount=self.amount, unit=UNIT_LABELS_VI[self.unit]),
        ]
        if self.skipped:
            lines.append(msg("Bỏ qua {count} ngày nghỉ:", count=len(self.skipped)))
            lines.extend(msg("  - {day}: {why}", day=s.day, why=s.why) for s in self.skipped)
        lines.append(msg("Hạn: {due}.", due=self.due))
        return lines


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """Holidays of one year and the make-up working days announced with them."""
    table = holidays.country_holidays("VN", years=year, language="en_US")
    days_off = {day: str(name) for day, name in table.items()}
    make_up = set()
    for name in days_off.values():
        for month, day, yr in _SUBSTITUTED_FROM.findall(name):
            make_up.add(date(int(yr), int(month), int(day)))
    return days_off, frozenset(make_up)


class WorkingCalendar:
    """Monday-Friday minus Vietnamese public holidays, with admin overrides."""

    def __init__(
        self,
        extra_days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ) -> None:
        self.extra_days_off = frozenset(extra_days_off)
        self.extra_working_days = frozenset(extra_working_days)

    def why_not_working(self, d: date) -> str | None:
        """None when ``d`` is a working day, otherwise the reason it is not."""
        if d in self.extra_working_days:
            return None
        if d in self.extra_days_off:
            return msg("ngày nghỉ bổ sung (quản trị viên khai báo)")
        days_off, make_up = _public_holidays(d.year)
        if d in days_off:
            return msg("ngày lễ: {holiday}", holiday=days_off[d])
        if d in make_up:
            return None
        if d.weekday() == 5:
            return msg("thứ Bảy")
        if d.weekday() == 6:
            return msg("Chủ nhật")
        return None

    def is_working_day(self, d: date) -> bool:
        return self.why_not_working(d) is None

    def next_working_day(self, d: date, skipped: list[Skipped] | None = None) -> date:
        """``d`` itself when it is a working day, else the first one after it."""
        while (why := self.why_not_working(d)) is not None:
            if skipped is not None:
                skipped.append(Skipped(d, why))
            d += timedelta(days=1)
        return d

    def compute(self, start: date, amount: int, unit: Unit | str) -> DeadlineComputation:
        unit = Unit(unit)
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise TypeError("amount must be an integer")
        if amount < 0 or amount > MAX_AMOUNT:
            raise ValueError(f"amount must be between 0 and {MAX_AMOUNT}")
        skipped: list[Skipped] = []
        if unit is Unit.WORKING_DAYS:
            due = start
            counted = 0
            while counted < amount:
                due += timedelta(days=1)
                why = self.why_not_working(due)
                if why is None:
                    counted += 1
                else:
                    skipped.append(Skipped(due, why))
        else:
            raw = start + timedelta(days=amount) if unit is Unit.CALENDAR_DAYS else (
                add_months(start, amount)
            )
            due = self.next_working_day(raw, skipped)
        return DeadlineComputation(start, amount, unit, due, tuple(skipped))

    def add(self, start: date, amount: int, unit: Unit | str) -> date:
        """The last day of a period of ``amount`` ``unit`` counted from ``start``."""
        return self.compute(start, amount, unit).due

    def working_days_before(self, day: date, count: int) -> date:
        """The working day ``count`` working days before ``day`` (``day`` itself for 0)."""
        if count < 0:
            raise ValueError("count must not be negative")
        counted = 0
        while counted < count:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        count = 0
        d = start
        while d < end:
            d += timedelta(days=1)
            if self.is_working_day(d):
                count += 1
        return sign * count


def add_months(start: date, months: int) -> date:
    """Same day number ``months`` later; the month's last day when it has no such day.

    Civil Code art. 147(3): a period in months ends on the corresponding day
    of the last month, or on that month's last day when it has none.
    """
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))
