"""The rule set in force on the anchor date, and administrators' values per rule set."""

from __future__ import annotations

import pytest

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.core.errors import PermissionDenied, ValidationFailed
from hgkiemtra.deadlines import rules
from tests import factories as f
from tests.integration.reminders.clock import clean, decided_case, local, open_deadline


@pytest.fixture()
def w(session):
    clean()
    return f.world()


@pytest.mark.parametrize(
    ("day", "key"),
    [("2016-07-25", None), ("2016-07-26", "qd30"), ("2021-07-27", "qd30"),
     ("2021-07-28", "qd22"), ("2025-05-29", "qd22"), ("2025-05-30", "qd296")],
)
def test_the_rule_set_in_force(day, key):
    from datetime import date

    found = rules.rule_set_for(date.fromisoformat(day))
    assert (found.key if found else None) == key


def test_an_admin_value_applies_under_its_rule_set_only(w):
    rules.set_rule_parameter(
        Actor.for_user(w.admin), workflow_name="inspection_violation", rule="launch",
        rule_set="qd22", amount=20, unit="working_days",
        citation="Quy chế làm việc UBKT tỉnh (giả định)", is_confirmed=True)
    under_qd22 = open_deadline(decided_case(w, local(2024, 3, 4, 9)).id)
    assert (under_qd22.amount, under_qd22.rule_set) == (20, "qd22")
    assert under_qd22.due_on.isoformat() == "2024-04-01"  # 20 working days, 4/3 not counted
    assert "Bộ quy định: QĐ 22-QĐ/TW" in under_qd22.explanation
    assert "quản trị viên đặt" in under_qd22.citation
    assert "chưa được xác nhận" not in under_qd22.explanation

    under_qd296 = open_deadline(decided_case(w, local(2026, 3, 2, 9)).id)
    assert (under_qd296.amount, under_qd296.rule_set) == (10, "qd296")
    assert "chưa được xác nhận" in under_qd296.explanation

    rules.remove_rule_parameter(Actor.for_user(w.admin), workflow_name="inspection_violation",
                                rule="launch", rule_set="qd22")
    assert open_deadline(decided_case(w, local(2024, 3, 5, 9)).id).amount == 10


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"rule": "nope"}, ValidationFailed),
        ({"workflow_name": "nope"}, ValidationFailed),
        ({"rule_set": "qd99"}, ValidationFailed),
        ({"unit": "fortnights"}, ValidationFailed),
        ({"amount": -1}, ValidationFailed),
        ({"actor": "chair"}, PermissionDenied),
    ],
)
def test_bad_rule_parameters_are_refused(w, change, error):
    args = {"workflow_name": "inspection_violation", "rule": "launch", "rule_set": "qd296",
            "amount": 5, "unit": "working_days", **change}
    actor = Actor.for_user(getattr(w, args.pop("actor", "admin")))
    with pytest.raises(error):
        rules.set_rule_parameter(actor, **args)
