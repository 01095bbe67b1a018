"""The transition fast path: few statements, and the shortcuts stay correct
(head hash on the row, set-based deadline closing, cached settings)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hgkiemtra.cases import audit
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.db import db
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.deadlines.service import open_deadlines
from hgkiemtra.reminders.models import Reminder
from tests import factories as f
from tests.statements import recorded

# A transition that plans a deadline (decide, request_explanation on an
# inspection case): load the case with its team, the settings token and the
# chairs, UPDATE the case (version-checked), INSERT the event while closing
# open deadlines and cancelling their reminders (one statement on
# PostgreSQL), INSERT the deadline, INSERT the reminders (one statement),
# INSERT the outbox rows (one statement), move the dashboard's phase count
# when the phase changes. It was 19, then 8.
MAX_STATEMENTS = 7


@pytest.fixture()
def w(session):
    # A `committed` test earlier in the run may have emptied config_state.
    session.execute(sa.text("INSERT INTO config_state (id, token) VALUES (1, 0) "
                            "ON CONFLICT (id) DO NOTHING"))
    return f.world()


def _fire(w, c, event, who, data=None):
    return cases.fire_event(w.actor(who), c.id, event, expected_version=c.version,
                            data=data or {})


def _warm(w):
    """One full planning transition, so the settings are cached."""
    f.advance(w, f.case(w, "Warm-up"), f.FULL_PATH[:3])


def test_decide_stays_within_its_statement_budget(w):
    _warm(w)
    c = f.case(w)
    db.session.flush()
    with recorded() as seen:
        _fire(w, c, "decide", w.chair, f.FULL_PATH[0][1])
    assert len(seen) <= MAX_STATEMENTS, "\n".join(seen)


def test_a_planning_transition_stays_within_its_statement_budget(w):
    _warm(w)
    c = f.advance(w, f.case(w), f.FULL_PATH[:2])
    db.session.flush()
    with recorded() as seen:
        _fire(w, c, "request_explanation", w.inspector)
    assert len(seen) <= MAX_STATEMENTS, "\n".join(seen)
    assert not any("calendar_overrides" in s or "rule_parameters" in s
                   or "reminder_policies" in s for s in seen)


def test_head_hash_follows_the_chain_and_a_missing_one_is_read_back(w):
    c = f.advance(w, f.case(w), f.FULL_PATH[:2])
    newest = db.session.scalar(sa.select(CaseEvent.hash).where(
        CaseEvent.case_id == c.id, CaseEvent.seq == c.event_count))
    assert c.head_hash == newest
    # A row written behind the app's back has no head hash: the chain still continues.
    db.session.execute(sa.update(Case.__table__).where(Case.__table__.c.id == c.id)
                       .values(head_hash=None))
    c = _fire(w, c, "request_explanation", w.inspector)
    events = list(db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == c.id)
                                     .order_by(CaseEvent.seq)))
    assert events[-1].prev_hash == newest
    assert audit.verify_case(c, events) is None


def test_leaving_a_state_closes_loaded_deadlines_and_cancels_their_reminders(w):
    c = f.advance(w, f.case(w), f.FULL_PATH[:3])
    (deadline,) = open_deadlines(c.id)
    planned = db.session.scalars(sa.select(Reminder).where(
        Reminder.deadline_id == deadline.id, Reminder.status == "planned")).all()
    assert planned
    _fire(w, c, "receive_explanation", w.inspector)
    # The objects loaded before the transition show what the database now holds.
    assert deadline.status == "met" and deadline.closed_at is not None
    assert {r.status for r in planned} == {"cancelled"}
    assert {r.cancel_reason for r in planned} == {"deadline met"}
    assert [d.rule for d in open_deadlines(c.id)] == ["verification"]


def test_cached_settings_follow_every_write_to_them(w):
    _warm(w)
    c = f.advance(w, f.case(w), f.FULL_PATH[:3])
    (first,) = open_deadlines(c.id)
    # Written with plain SQL, as psql would: the triggers still change the token.
    db.session.execute(sa.text(
        "INSERT INTO rule_parameters (workflow_name, rule, rule_set, amount, unit, citation, "
        "is_confirmed, updated_at) VALUES (:wf, 'explanation', :rs, 40, 'calendar_days', '', "
        "true, now())"), {"wf": c.workflow_name, "rs": first.rule_set})
    c2 = f.advance(w, f.case(w), f.FULL_PATH[:3])
    (second,) = db.session.scalars(sa.select(Deadline).where(Deadline.case_id == c2.id,
                                                             Deadline.status == "open")).all()
    assert (second.amount, second.unit) == (40, "calendar_days")
    assert (first.amount, first.unit) != (40, "calendar_days")


def test_the_chairs_loaded_with_the_case_are_the_nearest_active_ones(w):
    from hgkiemtra.reminders import planning

    province_chair = f.user([("chair", w.province)], name="Chủ Tịch Tỉnh")
    resting = f.user([("chair", w.district)], name="Đã Nghỉ")
    resting.is_active = False
    c = f.case(w)
    db.session.flush()
    value = db.session.scalar(sa.select(planning.chairs_column(Case.org_id))
                              .where(Case.id == c.id))
    assert planning.nearest_chairs(value) == [w.chair.id]
    assert planning.chair_recipients(w.district.path) == [w.chair.id]
    assert province_chair.id not in planning.nearest_chairs(value)
    c = _fire(w, c, "decide", w.chair, f.FULL_PATH[0][1])
    chair_rows = db.session.scalars(sa.select(Reminder.recipient_id).where(
        Reminder.case_id == c.id, Reminder.role == "chair")).all()
    assert set(chair_rows) == {w.chair.id}
    assert planning.nearest_chairs(None) == []
