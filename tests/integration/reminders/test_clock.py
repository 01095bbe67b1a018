"""Moving the clock through one deadline: the right mails, at the right times, once each.

The case is decided on Thursday 5/2/2026; its 'launch' deadline (10 working
days) falls on Thursday 26/2/2026, after Tết Bính Ngọ (16-20/2) and two
weekends. Reminders: 7 working days before (10/2), 3 (23/2, across Tết), 1
(25/2), on the day (26/2); overdue on 27/2, then every 3 days (2/3, 5/3 ...),
and the district chair hears about it from 27/2.
"""

from __future__ import annotations

import pytest

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.reminders import tasks
from tests import factories as f

from .clock import (
    clean,
    decided_case,
    drop_transition_mail,
    local,
    open_deadline,
    planned,
    sink,
    summary,
    tick,
)


@pytest.fixture()
def w(session):
    clean()
    return f.world()


LABEL = "Triển khai quyết định kiểm tra"


def test_the_deadline_is_computed_across_tet_and_planned(w):
    c = decided_case(w, local(2026, 2, 5, 9))
    deadline = open_deadline(c.id)
    assert deadline.due_on.isoformat() == "2026-02-26"
    assert deadline.rule_set == "qd296"
    assert "QĐ 296-QĐ/TW" in deadline.explanation and "Lunar New Year" in deadline.explanation
    times = sorted({when for _, _, _, when in planned(c.id)})
    assert times == ["2026-02-10 08:00", "2026-02-23 08:00", "2026-02-25 08:00",
                     "2026-02-26 08:00", "2026-02-27 08:00"]


def test_reminders_overdue_notices_and_escalation_arrive_once_each(w):
    c = decided_case(w, local(2026, 2, 5, 9))
    ref = c.reference
    steps = [
        (local(2026, 2, 10, 7, 59), []),
        (local(2026, 2, 10, 8, 0), [f"[{ref}] Nhắc hạn: {LABEL} — hạn 26/02/2026 "
                                    "(còn 7 ngày làm việc)"]),
        (local(2026, 2, 10, 8, 1), []),
        (local(2026, 2, 17, 8, 0), []),  # Tết
        (local(2026, 2, 23, 8, 0), [f"[{ref}] Nhắc hạn: {LABEL} — hạn 26/02/2026 "
                                    "(còn 3 ngày làm việc)"]),
        (local(2026, 2, 25, 8, 0), [f"[{ref}] Nhắc hạn: {LABEL} — hạn 26/02/2026 "
                                    "(còn 1 ngày làm việc)"]),
        (local(2026, 2, 26, 8, 0), [f"[{ref}] Nhắc hạn: {LABEL} — hạn 26/02/2026 "
                                    "(hôm nay là hạn)"]),
        (local(2026, 2, 26, 17, 0), []),
        (local(2026, 2, 27, 8, 0), [f"[{ref}] Quá hạn: {LABEL} — hạn 26/02/2026 (quá 1 ngày)"]),
        (local(2026, 2, 28, 8, 0), []),  # Saturday
        (local(2026, 3, 1, 8, 0), []),
        (local(2026, 3, 2, 8, 0), [f"[{ref}] Quá hạn: {LABEL} — hạn 26/02/2026 (quá 4 ngày)"]),
        (local(2026, 3, 3, 8, 0), []),
    ]
    escalation = {
        local(2026, 2, 27, 8, 0): f"[{ref}] Báo cáo chủ nhiệm: quá hạn {LABEL} — hạn 26/02/2026 "
                                  "(quá 1 ngày)",
        local(2026, 3, 2, 8, 0): f"[{ref}] Báo cáo chủ nhiệm: quá hạn {LABEL} — hạn 26/02/2026 "
                                 "(quá 4 ngày)",
    }
    for now, subjects in steps:
        expected = sorted((to, s) for s in subjects
                          for to in (w.inspector.email, w.committee_member.email))
        if now in escalation:
            expected = sorted([*expected, (w.chair.email, escalation[now])])
        assert summary(tick(now)) == expected, now

    # The team launches the case on 3/3: the deadline is met, nothing more is sent.
    cases.fire_event(Actor.for_user(w.inspector), c.id, "launch",
                     expected_version=db.session.get(Case, c.id).version,
                     now=local(2026, 3, 3, 10))
    drop_transition_mail()
    db.session.commit()
    assert planned(c.id) == []
    assert tick(local(2026, 3, 5, 8, 0)) == []
    mails = sink()
    assert len(mails) == 4 * 2 + 2 * 2 + 2  # reminders, overdue notices, escalations
    assert len({m.outbox_key for m in mails}) == len(mails)
    assert all(f"https://hgkiemtra.example.vn/cases/{c.id}" in m.body_text for m in mails)
    assert all(w.subject.full_name not in m.body_text for m in mails)


def test_after_downtime_missed_reminders_are_caught_up_once(w):
    c = decided_case(w, local(2026, 2, 5, 9))
    # Nothing ran from 6/2 until 2/3 at 09:00: one catch-up mail per person.
    first = tick(local(2026, 3, 2, 9, 0))
    assert sorted((m.to_addr, "Quá hạn" in m.subject or "Báo cáo" in m.subject)
                  for m in first) == sorted([(w.inspector.email, True),
                                             (w.committee_member.email, True),
                                             (w.chair.email, True)])
    assert tick(local(2026, 3, 2, 9, 5)) == []
    # The overdue series goes on from there: next on 5/3 (every 3 days).
    assert [when for kind, _, _, when in planned(c.id)] == ["2026-03-05 08:00"] * 3
    assert len(tick(local(2026, 3, 5, 8, 0))) == 3


def test_the_celery_tick_task_runs_the_same_pipeline(w, app):
    decided_case(w, local(2026, 2, 5, 9))
    result = tasks.tick.apply().get()
    # Real time is long past the demo dates: the catch-up sends one mail per person.
    assert result["reminders"] >= 3 and result["sent"] == 3
    assert len(sink()) == 3
