"""The pure reminder arithmetic: which instants, for which offsets, across days off."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from workflows.calendar import Unit, WorkingCalendar
from workflows.engine import DeadlineRule
from workflows.reminders import (
    DEFAULT_POLICIES,
    LOCAL_TZ,
    Policy,
    ReminderKind,
    digest_horizon,
    instant,
    next_overdue,
    plan,
)

CAL = WorkingCalendar()
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def at(day: str, hm: str = "08:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=LOCAL_TZ)


def test_instants_are_eight_oclock_in_vietnam():
    assert instant(date(2026, 2, 10)) == datetime(2026, 2, 10, 1, 0, tzinfo=UTC)


def test_a_team_member_s_slots_around_tet():
    slots = plan(date(2026, 2, 26), DEFAULT_POLICIES["leader"], CAL, role="leader",
                 now=LONG_AGO)
    assert [(s.kind, s.offset, s.day.isoformat()) for s in slots] == [
        (ReminderKind.BEFORE, 7, "2026-02-10"),
        (ReminderKind.BEFORE, 3, "2026-02-23"),  # across Tết (16-20/2) and two weekends
        (ReminderKind.BEFORE, 1, "2026-02-25"),
        (ReminderKind.ON_DAY, 0, "2026-02-26"),
        (ReminderKind.OVERDUE, 1, "2026-02-27"),
    ]


def test_the_chair_gets_escalations_only():
    slots = plan(date(2026, 2, 26), DEFAULT_POLICIES["chair"], CAL, role="chair", now=LONG_AGO)
    assert [(s.kind, s.day.isoformat()) for s in slots] == [
        (ReminderKind.ESCALATION, "2026-02-27")]


def test_an_overdue_day_on_a_day_off_moves_to_the_next_working_day():
    # Due Friday 13/2/2026: one day overdue is Saturday 14/2, then Tết: Monday 23/2.
    (slot,) = [s for s in plan(date(2026, 2, 13), DEFAULT_POLICIES["leader"], CAL,
                               role="leader", now=LONG_AGO) if s.kind == ReminderKind.OVERDUE]
    assert slot.day == date(2026, 2, 23)
    # Every 3 days: 4 and 7 and 10 days overdue also land on 23/2 and are skipped.
    repeat = next_overdue(date(2026, 2, 13), 1, DEFAULT_POLICIES["leader"], CAL, role="leader",
                          now=LONG_AGO)
    assert repeat is not None and (repeat.offset, repeat.day) == (13, date(2026, 2, 26))


def test_after_downtime_the_series_resumes_after_now():
    now = at("2026-03-20", "09:00")
    repeat = next_overdue(date(2026, 2, 26), 1, DEFAULT_POLICIES["leader"], CAL, role="leader",
                          now=now)
    assert repeat is not None and repeat.day == date(2026, 3, 23) and repeat.at > now
    # plan() adds the next slot after now when the first overdue one has passed
    slots = plan(date(2026, 2, 26), DEFAULT_POLICIES["leader"], CAL, role="leader", now=now)
    assert [s.day for s in slots if s.kind == ReminderKind.OVERDUE] == [
        date(2026, 2, 27), date(2026, 3, 23)]


def test_no_repeats_and_no_overdue():
    once = Policy((3,), False, overdue_every_days=0, escalate_after_days=2)
    assert next_overdue(date(2026, 3, 2), 2, once, CAL, role="leader", now=LONG_AGO) is None
    quiet = Policy((), False, overdue_every_days=3, escalate_after_days=0)
    assert plan(date(2026, 3, 2), quiet, CAL, role="leader", now=LONG_AGO) == []


def test_digest_horizon():
    assert digest_horizon(at("2026-02-10", "07:29")) is None
    horizon = digest_horizon(at("2026-02-10", "07:30"))
    assert horizon == at("2026-02-11", "00:00")
    assert digest_horizon(at("2026-02-10", "23:59")) == horizon


@pytest.mark.parametrize(
    ("policy", "problems"),
    [
        (Policy(), []),
        (Policy((0,)), ["Nhắc trước hạn"]),
        (Policy((61,)), ["Nhắc trước hạn"]),
        (Policy(overdue_every_days=-1), ["Nhắc lại khi còn quá hạn"]),
        (Policy(escalate_after_days=400), ["Báo quá hạn sau"]),
    ],
)
def test_policy_validation(policy, problems):
    assert [p.split(":")[0] for p in policy.problems()] == problems


def test_policy_normalised_sorts_and_dedupes():
    assert Policy((1, 7, 3, 7)).normalised().offsets_before == (7, 3, 1)


def test_deadline_rule_terms_per_rule_set():
    rule = DeadlineRule("suspension", "Đình chỉ", 90, Unit.CALENDAR_DAYS, "QĐ 22 điều 31",
                        by_rule_set={"qd30": (90, Unit.WORKING_DAYS)})
    assert rule.terms("qd30") == (90, Unit.WORKING_DAYS)
    assert rule.terms("qd22") == (90, Unit.CALENDAR_DAYS)
    assert rule.terms(None) == (90, Unit.CALENDAR_DAYS)
    assert rule == DeadlineRule("suspension", "Đình chỉ", 90, Unit.CALENDAR_DAYS,
                                "QĐ 22 điều 31")  # overrides do not take part in equality
    hash(rule)
