"""Reporting periods: a quarter, a year or a custom range of local dates.

A period is a half-open range of Vietnam-time days ``[start, end)``; the
previous period is the one of the same kind just before it (the previous
quarter, the previous year, or as many days before a custom range).
Timestamps in the database are UTC, so ``utc_bounds`` turns the local days
into UTC instants: a step recorded at 06:30 on 1 April in Vietnam (23:30 on
31 March UTC) belongs to the second quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hgkiemtra.core.errors import ValidationFailed
from workflows.text import msg

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD_KINDS = ("quarter", "year", "custom")
MAX_CUSTOM_DAYS = 3 * 366 + 1  # a three-year term report is the longest asked for
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    kind: str  # quarter | year | custom
    start: date  # first day, inclusive
    end: date  # the day after the last one (exclusive)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def code(self) -> str:
        """A short stable name: 2026-Q2, 2026, 2026-01-01..2026-06-30."""
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.last_day.isoformat()}"

    def previous(self) -> Period:
        if self.kind == "quarter":
            month = self.start.month - 3
            year = self.start.year - (1 if month < 1 else 0)
            return quarter(year, (month - 1) % 12 // 3 + 1)
        if self.kind == "year":
            return year_period(self.start.year - 1)
        return Period("custom", self.start - timedelta(days=self.days), self.start)

    def utc_bounds(self) -> tuple[datetime, datetime]:
        return local_midnight(self.start), local_midnight(self.end)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_TZ)


def quarter(year: int, number: int) -> Period:
    _check_year(year)
    if number not in (1, 2, 3, 4):
        raise ValidationFailed(msg("Quý phải từ 1 đến 4"), {"field": "quarter"})
    start = date(year, 3 * number - 2, 1)
    end = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Period("quarter", start, end)


def year_period(year: int) -> Period:
    _check_year(year)
    return Period("year", date(year, 1, 1), date(year + 1, 1, 1))


def custom(start: date, last_day: date) -> Period:
    if last_day < start:
        raise ValidationFailed(msg("Ngày cuối kỳ phải sau ngày đầu kỳ"), {"field": "end"})
    _check_year(start.year)
    _check_year(last_day.year)
    period = Period("custom", start, last_day + timedelta(days=1))
    if period.days > MAX_CUSTOM_DAYS:
        raise ValidationFailed(msg("Kỳ tùy chọn dài nhất 3 năm"), {"field": "end"})
    return period


def current_quarter(today: date) -> Period:
    return quarter(today.year, (today.month - 1) // 3 + 1)


def parse_period(code: str | None, today: date, start: str | None = None,
                 end: str | None = None) -> Period:
    """``2026-Q2``, ``2026``, ``custom`` (with ``start``/``end`` ISO dates), or the
    current quarter when nothing is given. Anything else is a ValidationFailed."""
    code = (code or "").strip()
    if not code:
        return current_quarter(today)
    if code == "custom":
        return custom(_iso(start, "start"), _iso(end, "end"))
    if ".." in code:
        first, _, last = code.partition("..")
        return custom(_iso(first, "start"), _iso(last, "end"))
    year_text, _, rest = code.partition("-")
    if not (year_text.isdigit() and len(year_text) == 4):
        raise ValidationFailed(
            msg("Kỳ báo cáo không hợp lệ: {code}", code=code[:40]), {"field": "period"}
        )
    if not rest:
        return year_period(int(year_text))
    if len(rest) == 2 and rest[0] in "Qq" and rest[1].isdigit():
        return quarter(int(year_text), int(rest[1]))
    raise ValidationFailed(
        msg("Kỳ báo cáo không hợp lệ: {code}", code=code[:40]), {"field": "period"}
    )


def _iso(value: str | None, field: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationFailed(msg("Ngày phải theo dạng YYYY-MM-DD"), {"field": field}) from None


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed(
            msg(
                "Năm phải từ {first_year} đến {last_year}",
                first_year=FIRST_YEAR,
                last_year=LAST_YEAR,
            ),
            {"field": "period"},
        )
