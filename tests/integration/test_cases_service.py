from __future__ import annotations

import pytest

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.core.errors import (
    GuardFailed,
    NotFound,
    PermissionDenied,
    TransitionRejected,
    ValidationFailed,
    VersionConflict,
)
from hgkiemtra.core.outbox import OutboxMessage
from hgkiemtra.deadlines.service import open_deadlines
from tests import factories as f


@pytest.fixture()
def w(session):
    return f.world()


def test_open_case_starts_in_initial_state_with_one_audit_event(w):
    c = f.case(w)
    assert (c.state, c.phase, c.version, c.event_count) == ("proposed", "planned", 1, 1)
    events = cases.history(w.actor(w.inspector), c.id)
    assert [(e.event, e.from_state, e.to_state) for e in events] == [("open", None, "proposed")]
    assert c.workflow_name == "inspection_violation" and c.workflow_version == 2


def test_full_walk_to_closed_with_discipline(w):
    c = f.advance(w, f.case(w), f.FULL_PATH)
    assert (c.state, c.phase) == ("committee_review", "findings")
    c = f.advance(w, c, [
        ("conclude", {"outcome": "discipline_warranted", "conclusion": "Vi phạm quy định"},
         "chair"),
        ("start_discipline", {}, "chair"),
        f.HEARING,
        ("decide_discipline", {"form": "warning", "decision_number": "20-QĐ/UBKT"}, "chair"),
        ("close", {}, "chair"),
    ])
    assert (c.state, c.phase) == ("closed", "closed")
    assert c.closed_on is not None
    assert c.data["form"] == "warning"
    assert c.event_count == 12 and len(cases.history(w.actor(w.chair), c.id)) == 12


def test_no_violation_branch_closes(w):
    c = f.advance(w, f.case(w), f.FULL_PATH)
    c = f.advance(w, c, [
        ("conclude", {"outcome": "no_violation", "conclusion": "Không vi phạm"}, "chair"),
        ("close_no_violation", {}, "chair"),
    ])
    assert c.state == "closed"


def test_send_back_returns_to_verification_and_needs_a_reason(w):
    c = f.advance(w, f.case(w), f.FULL_PATH)
    with pytest.raises(GuardFailed) as err:
        cases.fire_event(w.actor(w.chair), c.id, "send_back", expected_version=c.version)
    assert any("lý do" in r for r in err.value.reasons)
    c = cases.fire_event(w.actor(w.chair), c.id, "send_back", expected_version=c.version,
                         note="Cần xác minh thêm hồ sơ đất")
    assert (c.state, c.phase) == ("verifying", "underway")


def test_guard_reasons_when_outcome_does_not_warrant_discipline(w):
    c = f.advance(w, f.case(w), f.FULL_PATH)
    c = f.advance(w, c, [("conclude", {"outcome": "shortcomings", "conclusion": "Rút KN"},
                          "chair")])
    with pytest.raises(GuardFailed) as err:
        cases.fire_event(w.actor(w.chair), c.id, "start_discipline", expected_version=c.version)
    assert "discipline_warranted" in err.value.reasons[0]
    checks = {ch.event.name: ch for ch in cases.allowed_events(w.actor(w.chair), c)}
    assert checks["start_follow_up"].allowed
    assert not checks["start_discipline"].allowed and checks["start_discipline"].reasons


def test_form_must_fit_subject(w):
    w.subject.positions = []
    c = f.advance(w, f.case(w), f.FULL_PATH)
    c = f.advance(w, c, [
        ("conclude", {"outcome": "discipline_warranted", "conclusion": "x"}, "chair"),
        ("start_discipline", {}, "chair"),
        f.HEARING,
    ])
    with pytest.raises(GuardFailed) as err:
        cases.fire_event(w.actor(w.chair), c.id, "decide_discipline", expected_version=c.version,
                         data={"form": "removal", "decision_number": "1"})
    assert "Cách chức" in err.value.reasons[0]
    with pytest.raises(GuardFailed):
        cases.fire_event(w.actor(w.chair), c.id, "decide_discipline", expected_version=c.version,
                         data={"form": "dissolution", "decision_number": "1"})


def test_required_fields_and_unknown_fields(w):
    c = f.case(w)
    with pytest.raises(GuardFailed) as err:
        cases.fire_event(w.actor(w.chair), c.id, "decide", expected_version=1, data={})
    assert len(err.value.reasons) == 2
    with pytest.raises(ValidationFailed):
        cases.fire_event(w.actor(w.chair), c.id, "decide", expected_version=1,
                         data={"decision_number": "1", "decision_date": "2026-01-01", "x": 1})
    with pytest.raises(GuardFailed):
        cases.fire_event(w.actor(w.chair), c.id, "decide", expected_version=1,
                         data={"decision_number": "1", "decision_date": "31/12/2026"})


def test_event_not_allowed_from_state_and_unknown_event(w):
    c = f.case(w)
    with pytest.raises(TransitionRejected):
        cases.fire_event(w.actor(w.chair), c.id, "close", expected_version=1)
    with pytest.raises(TransitionRejected):
        cases.fire_event(w.actor(w.chair), c.id, "explode", expected_version=1)


def test_roles_and_scope(w):
    c = f.case(w)
    decide = {"decision_number": "1", "decision_date": "2026-01-01"}
    with pytest.raises(PermissionDenied):  # inspectors cannot issue the decision
        cases.fire_event(w.actor(w.inspector), c.id, "decide", expected_version=1, data=decide)
    with pytest.raises(PermissionDenied):  # viewers change nothing
        cases.fire_event(w.actor(w.viewer), c.id, "decide", expected_version=1, data=decide)
    with pytest.raises(PermissionDenied):  # a chair elsewhere is out of scope
        cases.fire_event(w.actor(w.outsider), c.id, "decide", expected_version=1, data=decide)
    with pytest.raises(NotFound):
        cases.get_case(w.actor(w.outsider), c.id)
    assert cases.get_case(w.actor(w.admin), c.id).id == c.id  # province admin sees below
    assert cases.get_case(w.actor(w.inspector), c.id).version == 1  # nothing changed


def test_stale_version_is_a_conflict_and_changes_nothing(w):
    c = f.case(w)
    c = f.advance(w, c, f.FULL_PATH[:1])
    with pytest.raises(VersionConflict) as err:
        cases.fire_event(w.actor(w.inspector), c.id, "launch", expected_version=1)
    assert err.value.details["current_version"] == 2
    assert cases.get_case(w.actor(w.chair), c.id).state == "decided"


def test_deadlines_planned_on_entry_and_closed_on_exit(w):
    c = f.advance(w, f.case(w), f.FULL_PATH[:3])
    assert c.state == "subject_reporting"
    (deadline,) = open_deadlines(c.id)
    assert deadline.rule == "explanation" and deadline.due_on > deadline.anchor_on
    assert "ngày làm việc" in deadline.explanation and deadline.citation
    c = f.advance(w, c, [("receive_explanation", {}, "inspector")])
    assert [d.rule for d in open_deadlines(c.id)] == ["verification"]


def test_deadline_given_by_the_plan_overrides_the_default(w):
    c = f.advance(w, f.case(w), f.FULL_PATH[:2])
    c = cases.fire_event(w.actor(w.inspector), c.id, "request_explanation",
                         expected_version=c.version, data={"explanation_due": "2099-01-05"})
    (deadline,) = open_deadlines(c.id)
    assert deadline.due_on.isoformat() == "2099-01-05"
    with pytest.raises(ValidationFailed):
        c2 = f.advance(w, f.case(w), f.FULL_PATH[:2])
        cases.fire_event(w.actor(w.inspector), c2.id, "request_explanation",
                         expected_version=c2.version, data={"explanation_due": "2000-01-05"})


def test_transition_writes_outbox_rows_for_the_team_but_not_the_actor(w, session):
    c = f.case(w)
    c = cases.fire_event(w.actor(w.chair), c.id, "decide", expected_version=1,
                         data={"decision_number": "1", "decision_date": "2026-01-01"})
    rows = session.query(OutboxMessage).filter_by(case_id=c.id).all()
    assert sorted(r.recipient_id for r in rows) == sorted([w.inspector.id, w.committee_member.id])
    c = cases.fire_event(w.actor(w.inspector), c.id, "launch", expected_version=c.version)
    rows = session.query(OutboxMessage).filter_by(case_id=c.id, kind="case_transition").all()
    assert len(rows) == 3  # the inspector fired the launch: not told about it


def test_open_case_validation(w):
    actor = w.actor(w.inspector)
    base = dict(kind="inspection_violation", title="T", org_id=w.district.id,
                subject_type="member", subject_id=w.subject.id)
    for bad in ({"kind": "nope"}, {"title": "  "}, {"org_id": 999999},
                {"subject_type": "robot"}, {"subject_id": 999999}):
        with pytest.raises(ValidationFailed):
            cases.open_case(actor, **{**base, **bad})
    with pytest.raises(PermissionDenied):
        cases.open_case(w.actor(w.viewer), **base)
    with pytest.raises(PermissionDenied):
        cases.open_case(w.actor(w.outsider), **base)
    outside_member = f.member(w.other_district, "Lý Văn Ngoài")
    with pytest.raises(ValidationFailed):
        cases.open_case(actor, **{**base, "subject_id": outside_member.id})


def test_system_actor_sees_everything(w):
    c = f.case(w)
    assert cases.get_case(Actor.system(), c.id).id == c.id
