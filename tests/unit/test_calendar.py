"""Table-driven tests of the working calendar across Tết and substituted days."""

from datetime import date

import pytest

from workflows.calendar import WorkingCalendar, add_months

CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 13), True),  # Friday before Tết Bính Ngọ
        (date(2026, 2, 16), False),  # 29 Tết
        (date(2026, 2, 17), False),  # Mùng 1 Tết
        (date(2026, 2, 20), False),  # Mùng 4
        (date(2026, 2, 23), True),
        (date(2026, 4, 27), False),  # Hùng Kings' day observed (26/4 is a Sunday)
        (date(2026, 8, 31), False),  # day off substituted around National Day
        (date(2026, 9, 2), False),
        (date(2025, 4, 26), True),  # Saturday worked to make up for 2/5/2025
        (date(2025, 5, 2), False),
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 30), True),  # Monday
        (date(2025, 1, 24), True),  # Friday before Tết Ất Tỵ
        (date(2025, 1, 27), False),  # 28 Tết (the 2025 break ran 25/1 - 2/2)
        (date(2025, 1, 31), False),  # Mùng 3
        (date(2025, 2, 3), True),
        (date(2025, 9, 1), False),  # National Day: two days in 2025
        (date(2027, 2, 4), False),  # 28 Tết Đinh Mùi
        (date(2027, 2, 10), False),  # Mùng 5 (Tết's first day was a Saturday: substituted)
        (date(2027, 2, 11), True),
        (date(2027, 5, 3), False),  # 1/5/2027 is a Saturday: observed on Monday
        (date(2027, 11, 24), False),  # Vietnam Cultural Day, a holiday from 2026
    ],
)
def test_is_working_day(day, working):
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due"),
    [
        (date(2026, 2, 13), 1, "working_days", date(2026, 2, 23)),  # across Tết
        (date(2026, 2, 13), 3, "working_days", date(2026, 2, 25)),
        (date(2026, 2, 12), 5, "calendar_days", date(2026, 2, 23)),  # ends in Tết: moves
        (date(2026, 1, 5), 0, "working_days", date(2026, 1, 5)),
        (date(2026, 11, 27), 1, "working_days", date(2026, 11, 30)),  # anchor day not counted
        (date(2026, 11, 23), 5, "calendar_days", date(2026, 11, 30)),  # Sat 28 -> Mon 30
        (date(2026, 1, 31), 1, "months", date(2026, 3, 2)),  # 28/2 is a Saturday -> Mon 2/3
        (date(2025, 12, 31), 2, "months", date(2026, 3, 2)),  # 28/2/2026 is a Saturday
        (date(2026, 3, 17), 1, "months", date(2026, 4, 17)),  # a plain Friday
        (date(2025, 1, 24), 1, "working_days", date(2025, 2, 3)),  # across Tết 2025
        (date(2027, 2, 3), 2, "working_days", date(2027, 2, 12)),  # across Tết 2027
        (date(2025, 4, 25), 2, "working_days", date(2025, 4, 28)),  # Sat 26/4/2025 worked
        (date(2025, 4, 29), 1, "working_days", date(2025, 5, 5)),  # 30/4, 1/5, 2/5 off
    ],
)
def test_add(start, amount, unit, due):
    assert CAL.add(start, amount, unit) == due


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_overrides():
    cal = WorkingCalendar(extra_days_off=[date(2026, 12, 1)],
                          extra_working_days=[date(2026, 11, 28)])
    assert cal.is_working_day(date(2026, 11, 28))
    assert not cal.is_working_day(date(2026, 12, 1))
    assert cal.add(date(2026, 11, 27), 2, "working_days") == date(2026, 11, 30)


def test_explanation_lists_skipped_days():
    result = CAL.compute(date(2026, 2, 13), 1, "working_days")
    text = result.explain()
    assert "2026-02-17" in text and "Lunar New Year" in text and "2026-02-23" in text


@pytest.mark.parametrize("bad", [-1, 100000])
def test_bad_amounts(bad):
    with pytest.raises(ValueError):
        CAL.add(date(2026, 1, 1), bad, "working_days")
    with pytest.raises(ValueError):
        CAL.add(date(2026, 1, 1), 1, "fortnights")


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2026, 2, 26), 3, date(2026, 2, 23)),  # back across nothing
        (date(2026, 2, 23), 1, date(2026, 2, 13)),  # back across Tết and a weekend
        (date(2026, 2, 26), 7, date(2026, 2, 10)),
        (date(2026, 2, 26), 0, date(2026, 2, 26)),
    ],
)
def test_working_days_before(day, count, expected):
    assert CAL.working_days_before(day, count) == expected
    assert CAL.working_days_between(expected, day) == count
