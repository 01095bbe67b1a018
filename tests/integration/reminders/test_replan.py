"""Reminders follow the case: a transition, an extension or a team change re-plans them."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.team import change_team
from hgkiemtra.core.db import db
from hgkiemtra.deadlines.changes import extend_deadline
from hgkiemtra.reminders.models import Reminder
from hgkiemtra.reminders.policy import set_policy
from tests import factories as f

from .clock import clean, decided_case, drop_transition_mail, local, open_deadline, planned, tick


@pytest.fixture()
def w(session):
    clean()
    return f.world()


def _recipients(case_id: int) -> set[int]:
    return {recipient for _, _, recipient, _ in planned(case_id)}


def test_a_transition_cancels_the_old_deadlines_reminders_and_plans_the_new(w):
    c = decided_case(w, local(2026, 2, 5, 9))
    old = open_deadline(c.id)
    c = cases.fire_event(Actor.for_user(w.inspector), c.id, "launch", expected_version=c.version,
                         now=local(2026, 2, 9, 9))
    c = cases.fire_event(Actor.for_user(w.inspector), c.id, "request_explanation",
                         expected_version=c.version, now=local(2026, 2, 9, 10))
    drop_transition_mail()
    new = open_deadline(c.id)
    assert new.rule == "explanation" and new.id != old.id
    reasons = db.session.scalars(sa.select(Reminder.cancel_reason).where(
        Reminder.deadline_id == old.id)).all()
    assert set(reasons) == {"deadline met"}
    assert {r for _, _, r, _ in planned(c.id)} == {w.inspector.id, w.committee_member.id,
                                                   w.chair.id}
    assert tick(local(2026, 2, 10, 8, 0)) == []  # the old 7-day reminder is gone


def test_an_extension_replans_and_the_new_dates_reminders_go_out(w):
    c = decided_case(w, local(2026, 2, 5, 9))
    assert len(tick(local(2026, 2, 10, 8, 0))) == 2  # 7 working days before 26/2
    deadline = open_deadline(c.id)
    extend_deadline(Actor.for_user(w.chair), deadline.id, date(2026, 3, 10), "20-QĐ/UBKT",
                    w.chair.id, "Đối tượng đi công tác", now=local(2026, 2, 12, 9))
    db.session.commit()
    times = sorted({when for kind, _, _, when in planned(c.id) if kind == "before"})
    assert times == ["2026-02-27 08:00", "2026-03-05 08:00", "2026-03-09 08:00"]
    assert tick(local(2026, 2, 23, 8, 0)) == []  # the old 3-day reminder was cancelled
    assert tick(local(2026, 2, 26, 8, 0)) == []  # and so was the old 'on the day'
    mails = tick(local(2026, 2, 27, 8, 0))
    assert len(mails) == 2 and all("hạn 10/03/2026 (còn 7 ngày làm việc)" in m.subject
                                   for m in mails)


def test_a_team_change_replans_for_whoever_is_on_the_team(w):
    c = decided_case(w, local(2026, 2, 5, 9))
    newcomer = f.user([("inspector", w.district)], name="Ngô Văn Mới")
    change_team(Actor.for_user(w.chair), c.id,
                [cases.TeamSeat(w.inspector.id, "leader"), cases.TeamSeat(newcomer.id, "member")],
                note="Phân công lại", now=local(2026, 2, 6, 9))
    db.session.commit()
    assert _recipients(c.id) == {w.inspector.id, newcomer.id, w.chair.id}
    mails = tick(local(2026, 2, 10, 8, 0))
    assert sorted(m.to_addr for m in mails) == sorted([w.inspector.email, newcomer.email])
    case = db.session.get(Case, c.id)
    assert [s.user_id for s in case.team] == [w.inspector.id, newcomer.id]
    # Back on the team: the member's reminders still ahead are planned again.
    change_team(Actor.for_user(w.chair), c.id,
                [cases.TeamSeat(w.inspector.id, "leader"),
                 cases.TeamSeat(w.committee_member.id, "directing")], now=local(2026, 2, 11, 9))
    assert _recipients(c.id) == {w.inspector.id, w.committee_member.id, w.chair.id}


def test_a_team_change_is_audited_and_needs_a_committee_role(w):
    from hgkiemtra.cases import audit
    from hgkiemtra.core.errors import PermissionDenied

    c = decided_case(w, local(2026, 2, 5, 9))
    with pytest.raises(PermissionDenied):
        change_team(Actor.for_user(w.inspector), c.id, [], now=local(2026, 2, 6, 9))
    before = db.session.get(Case, c.id).version
    change_team(Actor.for_user(w.chair), c.id, [cases.TeamSeat(w.inspector.id, "leader")],
                now=local(2026, 2, 6, 9))
    case = db.session.get(Case, c.id)
    events = cases.history(Actor.for_user(w.chair), c.id)
    assert events[-1].event == "change_team" and events[-1].from_state == events[-1].to_state
    assert audit.verify_case(case, events) is None
    assert case.version == before + 1


def test_a_policy_change_replans_open_deadlines(w):
    c = decided_case(w, local(2026, 2, 5, 9))
    set_policy(Actor.system(), "leader", offsets_before=[2], on_the_day=False,
               now=local(2026, 2, 6, 9))
    leader = sorted((kind, offset, when) for kind, offset, r, when in planned(c.id)
                    if r == w.inspector.id)
    assert leader == [("before", 2, "2026-02-24 08:00"), ("overdue", 1, "2026-02-27 08:00")]
