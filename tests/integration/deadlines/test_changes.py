"""Extensions need a decision and a chair's approval and keep both dates;
pauses stop the clock where the rule allows it. Both are audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import PermissionDenied, ValidationFailed, VersionConflict
from hgkiemtra.deadlines.changes import extend_deadline, pause_deadline, resume_deadline
from hgkiemtra.deadlines.models import Deadline, DeadlineExtension, DeadlinePause
from hgkiemtra.deadlines.service import overdue_case_ids_clause
from tests import factories as f
from tests.integration.reminders.clock import clean, decided_case, local, open_deadline, planned

LAUNCH_DUE = date(2026, 2, 26)


@pytest.fixture()
def w(session):
    clean()
    return f.world()


def _events(w, case_id):
    return cases.history(Actor.for_user(w.chair), case_id)


def _verify(case_id):
    case = db.session.get(Case, case_id)
    return audit.verify_case(case, list(db.session.scalars(
        sa.select(audit.CaseEvent).where(audit.CaseEvent.case_id == case_id)
        .order_by(audit.CaseEvent.seq))))


def test_an_extension_keeps_both_dates_and_is_audited(w):
    c = decided_case(w, local(2026, 2, 5, 9))
    deadline = open_deadline(c.id)
    version = db.session.get(Case, c.id).version
    extend_deadline(Actor.for_user(w.inspector), deadline.id, date(2026, 3, 10),
                    "20-QĐ/UBKT ngày 12/02/2026", w.chair.id, "Đối tượng nằm viện",
                    now=local(2026, 2, 12, 9))
    db.session.commit()
    deadline = db.session.get(Deadline, deadline.id)
    assert deadline.due_on == date(2026, 3, 10)
    (ext,) = db.session.scalars(sa.select(DeadlineExtension)).all()
    assert (ext.old_due_on, ext.new_due_on, ext.approver_id, ext.created_by_id) == (
        LAUNCH_DUE, date(2026, 3, 10), w.chair.id, w.inspector.id)
    assert "Gia hạn: 2026-02-26 → 2026-03-10 theo 20-QĐ/UBKT" in deadline.explanation
    last = _events(w, c.id)[-1]
    assert (last.event, last.from_state, last.to_state, last.note) == (
        "extend_deadline", "decided", "decided", "Đối tượng nằm viện")
    assert last.data["old_due_on"] == "2026-02-26" and last.data["new_due_on"] == "2026-03-10"
    assert db.session.get(Case, c.id).version == version + 1
    assert _verify(c.id) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"decision_reference": "  "}, "quyết định gia hạn"),
        ({"reason": ""}, "lý do gia hạn"),
        ({"approver": "inspector"}, "chủ nhiệm UBKT"),
        ({"approver": "outsider"}, "chủ nhiệm UBKT"),  # a chair, but of another district
        ({"new_due_on": date(2026, 2, 20)}, "sau hạn hiện tại"),
        ({"new_due_on": date(2026, 3, 7)}, "không phải ngày làm việc"),  # a Saturday
    ],
)
def test_an_extension_needs_a_decision_an_approver_and_a_later_working_day(w, change, message):
    c = decided_case(w, local(2026, 2, 5, 9))
    deadline = open_deadline(c.id)
    args = {"decision_reference": "20-QĐ/UBKT", "reason": "Lý do", "approver": "chair",
            "new_due_on": date(2026, 3, 10), **change}
    with pytest.raises(ValidationFailed, match=message):
        extend_deadline(Actor.for_user(w.inspector), deadline.id, args["new_due_on"],
                        args["decision_reference"], getattr(w, args["approver"]).id,
                        args["reason"], now=local(2026, 2, 12, 9))
    assert db.session.get(Deadline, deadline.id).due_on == LAUNCH_DUE


def test_who_may_change_a_deadline(w):
    c = decided_case(w, local(2026, 2, 5, 9))
    deadline = open_deadline(c.id)
    with pytest.raises(PermissionDenied):
        pause_deadline(Actor.for_user(w.viewer), deadline.id, "x")
    with pytest.raises(Exception, match="Không tìm thấy"):
        pause_deadline(Actor.for_user(w.outsider), deadline.id, "x")
    with pytest.raises(VersionConflict):
        extend_deadline(Actor.for_user(w.chair), deadline.id, date(2026, 3, 10), "20-QĐ/UBKT",
                        w.chair.id, "x", expected_version=1)


def _explanation_case(w):
    c = decided_case(w, local(2026, 2, 5, 9))
    for event, hour in (("launch", 9), ("request_explanation", 10)):
        c = cases.fire_event(Actor.for_user(w.inspector), c.id, event,
                             expected_version=db.session.get(Case, c.id).version,
                             now=local(2026, 2, 9, hour))
    db.session.commit()
    return c


def test_a_rule_that_may_not_pause_refuses(w):
    c = decided_case(w, local(2026, 2, 5, 9))
    with pytest.raises(ValidationFailed, match="không cho phép tạm dừng"):
        pause_deadline(Actor.for_user(w.inspector), open_deadline(c.id).id, "Đại hội")


@pytest.fixture()
def pausable(monkeypatch):
    """Whether a plan's time marker may pause is the definition's choice; here it may."""
    from hgkiemtra.deadlines import changes

    original = changes.find_rule
    monkeypatch.setattr(changes, "find_rule",
                        lambda case, deadline: replace(original(case, deadline), can_pause=True))


def test_pause_stops_the_clock_and_resume_moves_the_due_date(w, pausable):
    c = _explanation_case(w)
    deadline = open_deadline(c.id)
    assert deadline.rule == "explanation" and deadline.due_on == date(2026, 3, 2)
    pause_deadline(Actor.for_user(w.inspector), deadline.id, "Tạm dừng trước đại hội",
                   now=local(2026, 2, 10, 9))
    db.session.commit()
    assert planned(c.id) == []  # no reminders while the clock stands still
    deadline = db.session.get(Deadline, deadline.id)
    assert deadline.paused_since == date(2026, 2, 10)
    late = db.session.scalars(sa.select(Case.id).where(
        overdue_case_ids_clause(date(2026, 4, 1)))).all()
    assert c.id not in late  # a paused deadline is not overdue
    with pytest.raises(ValidationFailed, match="đã tạm dừng"):
        pause_deadline(Actor.for_user(w.inspector), deadline.id, "again")
    with pytest.raises(ValidationFailed, match="tạm dừng"):
        extend_deadline(Actor.for_user(w.chair), deadline.id, date(2026, 4, 1), "x", w.chair.id,
                        "x")

    # Paused Tue 10/2, resumed Wed 25/2: 3 working days (11, 12, 13/2) + Tết + 23-25/2 = 6.
    resume_deadline(Actor.for_user(w.chair), deadline.id, "Đã xong đại hội",
                    now=local(2026, 2, 25, 9))
    db.session.commit()
    deadline = db.session.get(Deadline, deadline.id)
    assert (deadline.paused_since, deadline.paused_days) == (None, 6)
    assert deadline.due_on == date(2026, 3, 10)  # 2/3 + 6 working days
    (pause,) = db.session.scalars(sa.select(DeadlinePause)).all()
    assert (pause.paused_on, pause.resumed_on, pause.days, pause.resumed_by_id) == (
        date(2026, 2, 10), date(2026, 2, 25), 6, w.chair.id)
    assert "Tạm dừng 2026-02-10 – 2026-02-25: 6 ngày làm việc" in deadline.explanation
    assert [e.event for e in _events(w, c.id)][-2:] == ["pause_deadline", "resume_deadline"]
    assert _verify(c.id) is None
    assert {when for _, _, _, when in planned(c.id)} >= {"2026-03-10 08:00"}
    with pytest.raises(ValidationFailed, match="không ở trạng thái tạm dừng"):
        resume_deadline(Actor.for_user(w.chair), deadline.id)
