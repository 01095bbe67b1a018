"""The month of deadlines: only what the user may see, overdue and days off marked."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hgkiemtra.cases import queries
from hgkiemtra.cases.service import local_today
from hgkiemtra.deadlines.models import CalendarOverride
from tests import factories as f
from tests.integration.ui.conftest import text


def _due(session, case, day: date):
    deadline = next(d for d in queries.case_deadlines(case.id) if d.status == "open")
    deadline.due_on = day
    session.commit()
    return deadline


def _cell(page: str, day: date) -> str:
    match = re.search(rf'<td class="([^"]*)"[^>]*>\s*<div class="cal-day__head">\s*'
                      rf'<time class="cal-day__num" datetime="{day.isoformat()}">.*?</td>',
                      page, re.S)
    assert match, day
    return match.group(0)


def _month(day: date) -> str:
    return day.strftime("%Y-%m")


def test_the_month_shows_deadlines_in_scope_and_marks_overdue(ui, w, make_case, session):
    today = local_today()
    late = f.advance(w, make_case("Hồ sơ trễ"), f.FULL_PATH[:1])
    soon = f.advance(w, make_case("Hồ sơ sắp đến hạn"), f.FULL_PATH[:1])
    d_late = _due(session, late, today - timedelta(days=2))
    d_soon = _due(session, soon, today + timedelta(days=1))
    ui.sign_in(w.chair)
    page = text(ui.get(f"/calendar?month={_month(d_late.due_on)}"))
    cell = _cell(page, d_late.due_on)
    assert late.reference in cell and "cal-item--overdue" in cell
    assert "cal-day--has-overdue" in cell
    if d_soon.due_on.month == d_late.due_on.month:
        soon_cell = _cell(page, d_soon.due_on)
        assert soon.reference in soon_cell and "cal-item--overdue" not in soon_cell
    assert 'aria-current="date"' in text(ui.get("/calendar"))
    # Someone whose scope does not hold the case sees nothing of it.
    ui.sign_in(w.outsider)
    page = text(ui.get(f"/calendar?month={_month(d_late.due_on)}"))
    assert late.reference not in page and soon.reference not in page


def test_mine_keeps_the_cases_on_my_team(ui, w, make_case, session):
    case = f.advance(w, make_case(), f.FULL_PATH[:1])
    deadline = _due(session, case, local_today() + timedelta(days=3))
    month = _month(deadline.due_on)
    ui.sign_in(w.chair)  # in scope, not on the team
    assert case.reference in text(ui.get(f"/calendar?month={month}"))
    assert case.reference not in text(ui.get(f"/calendar?month={month}&mine=1"))
    ui.sign_in(w.committee_member)  # on the team
    assert case.reference in text(ui.get(f"/calendar?month={month}&mine=1"))


def test_weekends_holidays_and_declared_days_are_marked(ui, w, session):
    session.add(CalendarOverride(day=date(2026, 9, 10), is_working_day=False,
                                 reason="Nghỉ bổ sung thử nghiệm"))
    session.commit()
    ui.sign_in(w.viewer)
    page = text(ui.get("/calendar?month=2026-09"))
    national_day = _cell(page, date(2026, 9, 2))
    assert "cal-day--holiday" in national_day and "Quốc khánh" in national_day
    assert "cal-day--weekend" in _cell(page, date(2026, 9, 5))  # a Saturday
    assert "cal-day--working" in _cell(page, date(2026, 9, 8))
    declared = _cell(page, date(2026, 9, 10))
    assert "cal-day--day_off" in declared and "Nghỉ bổ sung thử nghiệm" in declared


def test_a_bad_month_falls_back_to_this_month(ui, w):
    ui.sign_in(w.viewer)
    today = local_today()
    for bad in ("2026-13", "x", "99999-01", "2026-1"):
        page = text(ui.get(f"/calendar?month={bad}"))
        assert f"{today.month}/{today.year}" in page


def test_the_calendar_needs_a_sign_in(ui, w):
    assert ui.get("/calendar").status_code == 302

