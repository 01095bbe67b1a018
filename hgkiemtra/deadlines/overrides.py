"""Calendar overrides: extra days off and make-up working days an admin declares.

``deadlines.service.working_calendar()`` reads them. Deadlines already stored
keep their date (their explanation records the calendar they were computed
on; an extension moves one if needed); the reminders of open deadlines due
on or after the changed day are re-planned, since "N working days before"
may now fall on another day. Functions flush; the caller commits.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, ValidationFailed
from hgkiemtra.deadlines.models import CalendarOverride
from hgkiemtra.reminders import planning
from workflows.calendar import WorkingCalendar
from workflows.text import msg

MAX_REASON = 255


def list_overrides(year: int | None = None) -> list[CalendarOverride]:
    query = sa.select(CalendarOverride).order_by(CalendarOverride.day)
    if year is not None:
        query = query.where(CalendarOverride.day >= date(year, 1, 1),
                            CalendarOverride.day <= date(year, 12, 31))
    return list(db.session.scalars(query))


def add_day_off(day: date, reason: str, now: datetime | None = None) -> CalendarOverride:
    """Declare ``day`` a day off (e.g. an extra holiday the government announced)."""
    return _add(day, False, reason, now)


def add_working_day(day: date, reason: str, now: datetime | None = None) -> CalendarOverride:
    """Declare ``day`` a working day (e.g. a Saturday worked to make up for a bridge day)."""
    return _add(day, True, reason, now)


def _add(day: date, is_working_day: bool, reason: str, now: datetime | None) -> CalendarOverride:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(msg("Cần ghi lý do (ví dụ: số văn bản thông báo nghỉ, làm bù)"),
                               {"field": "reason"})
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            msg("Lý do dài quá {max_reason} ký tự", max_reason=MAX_REASON), {"field": "reason"}
        )
    existing = db.session.scalar(sa.select(CalendarOverride).where(CalendarOverride.day == day))
    if existing is not None:
        # One whole sentence per case: "ngày làm việc" alone is also the diagrams' unit.
        declared = (msg("Ngày {day} đã được khai báo là ngày làm việc ({reason}); hãy xóa khai "
                        "báo cũ trước", day=day, reason=existing.reason)
                    if existing.is_working_day else
                    msg("Ngày {day} đã được khai báo là ngày nghỉ ({reason}); hãy xóa khai báo "
                        "cũ trước", day=day, reason=existing.reason))
        raise ValidationFailed(declared, {"field": "day"})
    national = WorkingCalendar()
    if national.is_working_day(day) == is_working_day:
        already = (msg("Ngày {day} vốn đã là ngày làm việc", day=day) if is_working_day else
                   msg("Ngày {day} vốn đã là ngày nghỉ ({why})", day=day,
                       why=national.why_not_working(day)))
        raise ValidationFailed(already, {"field": "day"})
    row = CalendarOverride(day=day, is_working_day=is_working_day, reason=reason,
                           created_at=now or utcnow())
    db.session.add(row)
    db.session.flush()
    planning.replan_open_deadlines(now or utcnow(), due_from=day)
    return row


def remove_override(day: date, now: datetime | None = None) -> CalendarOverride:
    row: CalendarOverride | None = db.session.scalar(
        sa.select(CalendarOverride).where(CalendarOverride.day == day)
    )
    if row is None:
        raise NotFound(msg("Ngày {day} không có khai báo nào", day=day))
    db.session.delete(row)
    db.session.flush()
    planning.replan_open_deadlines(now or utcnow(), due_from=day)
    return row
