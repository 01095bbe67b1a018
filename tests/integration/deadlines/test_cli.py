"""``hgkiemtra deadline``, ``calendar ...``, ``rules ...`` and ``reminders ...``."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask

from hgkiemtra.core.db import db
from hgkiemtra.deadlines.models import RuleParameter
from hgkiemtra.deadlines.service import working_calendar
from hgkiemtra.people.models import User
from hgkiemtra.reminders.models import ReminderPolicy
from tests import factories as f
from tests.integration.reminders.clock import clean, decided_case, local, planned


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture()
def w(session):
    clean()
    return f.world()


def test_deadline_prints_the_date_then_the_explanation(app, session):
    result = run(app, "deadline", "--from", "2026-02-13", "--amount", "1", "--unit",
                 "working_days")
    assert result.exit_code == 0, result.output
    first, *rest = result.output.splitlines()
    assert first == "2026-02-23"
    explanation = "\n".join(rest)
    assert "2026-02-17: ngày lễ: Lunar New Year" in explanation
    assert "Hạn: 2026-02-23." in explanation


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "13/02/2026", "--amount", "1", "--unit", "working_days"], "not a date"),
        (["--from", "2026-02-13", "--amount", "1", "--unit", "weeks"], "Invalid value"),
        (["--from", "2026-02-13", "--amount", "-3", "--unit", "months"], "Invalid value"),
    ],
)
def test_deadline_refuses_bad_input(app, session, args, message):
    result = run(app, "deadline", *args)
    assert result.exit_code != 0
    assert message in result.output


def test_calendar_overrides(app, w):
    result = run(app, "calendar", "add-day-off", "2026-12-04", "--reason",
                 "Thông báo 99/TB-VPCP: nghỉ bù")
    assert result.exit_code == 0, result.output
    assert not working_calendar().is_working_day(date(2026, 12, 4))
    assert run(app, "calendar", "add-working-day", "2026-12-05", "--reason",
               "Làm bù cho 4/12").exit_code == 0
    assert working_calendar().is_working_day(date(2026, 12, 5))
    listed = run(app, "calendar", "list", "--year", "2026").output.splitlines()
    assert listed == ["2026-12-04  day off      Thông báo 99/TB-VPCP: nghỉ bù",
                      "2026-12-05  working day  Làm bù cho 4/12"]

    again = run(app, "calendar", "add-day-off", "2026-12-04", "--reason", "x")
    assert again.exit_code == 1 and "đã được khai báo" in again.output
    holiday = run(app, "calendar", "add-day-off", "2026-09-02", "--reason", "x")
    assert holiday.exit_code == 1 and "vốn đã là ngày nghỉ" in holiday.output
    assert run(app, "calendar", "add-day-off", "2026-12-07").exit_code == 2  # --reason needed
    assert run(app, "calendar", "add-day-off", "7/12/2026", "--reason", "x").exit_code == 2

    assert run(app, "calendar", "remove", "2026-12-04").exit_code == 0
    assert working_calendar().is_working_day(date(2026, 12, 4))
    missing = run(app, "calendar", "remove", "2026-12-04")
    assert missing.exit_code == 1 and "không có khai báo" in missing.output


def test_an_override_moves_the_reminders_of_open_deadlines(app, w):
    case = decided_case(w, local(2026, 2, 5, 9))  # due 26/2: 1 working day before is 25/2
    assert ("before", 1, w.inspector.id, "2026-02-25 08:00") in planned(case.id)
    assert run(app, "calendar", "add-day-off", "2026-02-25", "--reason", "x").exit_code == 0
    assert ("before", 1, w.inspector.id, "2026-02-24 08:00") in planned(case.id)


def test_rules_cli(app, w):
    result = run(app, "rules", "set", "inspection_violation", "verification", "--rule-set",
                 "qd296", "--amount", "45", "--unit", "working_days", "--citation",
                 "Quy chế UBKT", "--confirmed")
    assert result.exit_code == 0, result.output
    row = db.session.scalars(sa.select(RuleParameter)).one()
    assert (row.amount, row.is_confirmed, row.updated_by_id) == (45, True, None)
    listed = run(app, "rules", "list").output
    assert "inspection_violation verification: 30 working_days" in listed
    assert "  qd296: 45 working_days [admin] Quy chế UBKT" in listed
    bad = run(app, "rules", "set", "inspection_violation", "nope", "--rule-set", "qd296",
              "--amount", "1", "--unit", "months")
    assert bad.exit_code == 1 and "không có thời hạn 'nope'" in bad.output
    assert run(app, "rules", "reset", "inspection_violation", "verification", "--rule-set",
               "qd296").exit_code == 0
    assert db.session.scalars(sa.select(RuleParameter)).all() == []


def test_reminder_policy_and_mode_cli(app, w):
    shown = run(app, "reminders", "policy", "show").output.splitlines()
    assert shown[0].split() == ["leader", "before:", "7,3,1", "on", "the", "day:", "yes",
                                "overdue", "after:", "1", "day(s),", "then", "every", "3",
                                "day(s)"]
    assert shown[3].startswith("chair      before: -")
    result = run(app, "reminders", "policy", "set", "chair", "--escalate-after", "3",
                 "--overdue-every", "7")
    assert result.exit_code == 0, result.output
    row = db.session.get(ReminderPolicy, "chair")
    assert (row.escalate_after_days, row.overdue_every_days, row.offsets_before) == (3, 7, [])
    bad = run(app, "reminders", "policy", "set", "leader", "--offsets", "7,0")
    assert bad.exit_code == 1 and "Nhắc trước hạn" in bad.output
    assert run(app, "reminders", "policy", "set", "leader", "--offsets", "a").exit_code == 2

    assert run(app, "reminders", "mode", w.inspector.email, "digest").exit_code == 0
    assert db.session.get(User, w.inspector.id).reminder_mode == "digest"
    assert run(app, "reminders", "mode", "nobody@example.vn", "digest").exit_code == 1
    assert "re-planned" in run(app, "reminders", "replan").output
