"""Follow-up actions through the service: adding, the close check, waiving, amounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import CaseEvent
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import (
    GuardFailed,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    VersionConflict,
)
from hgkiemtra.followup import service as followup
from hgkiemtra.followup.validation import MAX_VND, ActionInput
from tests import factories as f
from tests.integration.followup.conftest import CLEARED, DUE, add, concluded


def _events(case_id: int) -> list[CaseEvent]:
    return db.session.query(CaseEvent).filter_by(case_id=case_id).order_by(CaseEvent.seq).all()


def _check(actor: Actor, case: Any, event: str) -> Any:
    return next(c for c in cases.allowed_events(actor, case) if c.event.name == event)


def test_actions_wait_for_the_conclusion(w: f.World) -> None:
    case = f.advance(w, f.case(w), f.FULL_PATH)  # committee_review: no conclusion yet
    with pytest.raises(ValidationFailed, match="đã có kết luận"):
        add(w, case)
    assert followup.add_refusal(case) is not None


def test_adding_is_an_audit_event_that_keeps_the_state(w: f.World) -> None:
    case = concluded(w)
    version, state = case.version, case.state
    action = add(w, case, "recovery", amount_vnd=2_000_000, owner_org_id=w.cell.id)
    assert (action.status, action.amount_vnd, action.owner_org_id) == ("open", 2_000_000,
                                                                       w.cell.id)
    last = _events(case.id)[-1]
    assert (last.event, last.from_state, last.to_state) == ("add_followup_action", state, state)
    assert last.data["amount_vnd"] == 2_000_000 and last.data["action_id"] == action.id
    assert case.version == version + 1 and case.state == state
    assert audit.verify_case(case, _events(case.id)) is None


CLOSE_TABLE = [
    # (statuses of the case's actions, may the case close?)
    ((), True),
    (("open",), False),
    (("done",), True),
    (("waived",), True),
    (("done", "waived"), True),
    (("done", "open"), False),
    (("open", "open"), False),
]


@pytest.mark.parametrize(("statuses", "may_close"), CLOSE_TABLE)
def test_close_is_blocked_while_an_action_is_open(w: f.World, statuses: tuple[str, ...],
                                                  may_close: bool) -> None:
    case = concluded(w, follow_up=True)
    chair = Actor.for_user(w.chair)
    open_ids = []
    for status in statuses:
        action = add(w, case)
        if status == "done":
            followup.complete_action(chair, case.id, action.id, note="Đã khắc phục")
        elif status == "waived":
            followup.waive_action(chair, case.id, action.id, reason="Không còn cần thiết")
        else:
            open_ids.append(action.id)
    check = _check(chair, case, "close")
    assert check.allowed is may_close
    assert [i for i in open_ids if not any(f"#{i} " in r for r in check.reasons)] == []
    if may_close:
        cases.fire_event(chair, case.id, "close", expected_version=case.version)
        assert case.state == "closed"
        return
    with pytest.raises(GuardFailed) as refused:
        cases.fire_event(chair, case.id, "close", expected_version=case.version)
    assert len(refused.value.reasons) == len(open_ids)
    assert all("chủ nhiệm UBKT miễn" in r for r in refused.value.reasons)
    assert case.state == "follow_up"


EVENT_TABLE = [
    # (outcome, event, blocked by an open action?) — only a closing destination is blocked
    (None, "start_follow_up", False),
    (None, "start_discipline", False),  # not allowed anyway by outcome, but not for actions
    (CLEARED, "close_no_violation", True),
]


@pytest.mark.parametrize(("outcome", "event", "blocked"), EVENT_TABLE)
def test_only_closing_events_are_blocked(w: f.World, outcome: Any, event: str,
                                         blocked: bool) -> None:
    case = concluded(w, **({"outcome": outcome} if outcome else {}))
    add(w, case)
    check = _check(Actor.for_user(w.chair), case, event)
    assert any("chưa xong" in r for r in check.reasons) is blocked


def test_many_open_actions_are_summarised(w: f.World) -> None:
    case = concluded(w, follow_up=True)
    for n in range(followup.MAX_LISTED + 2):
        add(w, case, description=f"Việc {n}")
    reasons = _check(Actor.for_user(w.chair), case, "close").reasons
    assert len(reasons) == followup.MAX_LISTED + 1 and "2 việc khác" in reasons[-1]


WAIVE_TABLE = [
    ("chair", None),
    ("committee_member", PermissionDenied),
    ("inspector", PermissionDenied),
    ("viewer", PermissionDenied),
    ("admin", PermissionDenied),
    ("outsider", NotFound),
]


@pytest.mark.parametrize(("who", "error"), WAIVE_TABLE)
def test_only_the_chair_waives(w: f.World, who: str, error: type[Exception] | None) -> None:
    case = concluded(w)
    action = add(w, case)
    actor = Actor.for_user(getattr(w, who))
    if error is None:
        followup.waive_action(actor, case.id, action.id, reason="Đối tượng đã nghỉ hưu")
        assert (action.status, action.waived_by_user_id) == ("waived", w.chair.id)
        assert _events(case.id)[-1].note == "Đối tượng đã nghỉ hưu"
        return
    with pytest.raises(error):
        followup.waive_action(actor, case.id, action.id, reason="Lý do")
    assert action.status == "open"


def test_waiving_needs_a_reason(w: f.World) -> None:
    case = concluded(w)
    action = add(w, case)
    with pytest.raises(ValidationFailed, match="lý do miễn"):
        followup.waive_action(Actor.for_user(w.chair), case.id, action.id, reason="  ")


DONE_TABLE = [
    ("inspector", "inspector", None),
    ("committee_member", "inspector", None),
    ("viewer", "viewer", None),  # the owner confirms their own action
    ("viewer", "inspector", PermissionDenied),
]


@pytest.mark.parametrize(("who", "owner", "error"), DONE_TABLE)
def test_who_marks_done(w: f.World, who: str, owner: str, error: Any) -> None:
    case = concluded(w)
    action = add(w, case, owner_user_id=getattr(w, owner).id)
    actor = Actor.for_user(getattr(w, who))
    if error:
        with pytest.raises(error):
            followup.complete_action(actor, case.id, action.id, note="Xong")
        return
    followup.complete_action(actor, case.id, action.id, note="Xong")
    assert (action.status, action.done_on, action.done_note) == ("done", cases.local_today(),
                                                                 "Xong")


def test_recovery_done_records_the_amount_recovered(w: f.World) -> None:
    case = concluded(w)
    action = add(w, case, "recovery", amount_vnd=5_000_000)
    inspector = Actor.for_user(w.inspector)
    with pytest.raises(ValidationFailed, match="đã thu hồi"):
        followup.complete_action(inspector, case.id, action.id, note="Nộp đủ")
    with pytest.raises(ValidationFailed, match="vượt số phải thu hồi"):
        followup.complete_action(inspector, case.id, action.id, note="Nộp", recovered_vnd=6_000_000)
    followup.complete_action(inspector, case.id, action.id, note="Nộp một phần",
                             recovered_vnd=3_000_000)
    assert (action.status, action.recovered_vnd) == ("done", 3_000_000)
    with pytest.raises(ValidationFailed, match="không thay đổi được"):
        followup.waive_action(Actor.for_user(w.chair), case.id, action.id, reason="Muộn")


AMOUNT_TABLE = [
    ("recovery", None, "cần ghi số tiền"),
    ("recovery", 0, "từ 1 đồng"),
    ("recovery", -1_000, "từ 1 đồng"),
    ("recovery", 1.5, "số nguyên"),
    ("recovery", "1000", "số nguyên"),
    ("recovery", True, "số nguyên"),
    ("recovery", MAX_VND + 1, "vượt quá giới hạn"),
    ("recovery", 2**70, "vượt quá giới hạn"),
    ("remedy", 1_000, "Chỉ việc thu hồi tiền"),
]


@pytest.mark.parametrize(("kind", "amount", "message"), AMOUNT_TABLE)
def test_amounts_are_whole_positive_dong(w: f.World, kind: str, amount: Any,
                                         message: str) -> None:
    case = concluded(w)
    with pytest.raises(ValidationFailed, match=message):
        add(w, case, kind, amount_vnd=amount)


def test_owner_and_due_date_are_checked(w: f.World) -> None:
    case = concluded(w)
    with pytest.raises(ValidationFailed, match="chịu trách nhiệm"):
        add(w, case, owner_user_id=None)
    with pytest.raises(ValidationFailed, match="không thuộc tổ chức"):
        add(w, case, owner_user_id=None, owner_org_id=w.other_district.id)
    with pytest.raises(ValidationFailed, match="trong tổ chức của hồ sơ"):
        add(w, case, owner_user_id=w.outsider.id)
    with pytest.raises(ValidationFailed, match="trước ngày hôm nay"):
        add(w, case, due_on=cases.local_today() - timedelta(days=1))
    with pytest.raises(ValidationFailed, match="quá xa"):
        add(w, case, due_on=cases.local_today() + timedelta(days=366 * 11))
    with pytest.raises(ValidationFailed, match="Loại việc"):
        add(w, case, "fine")
    assert add(w, case, owner_user_id=w.admin.id).owner_user_id == w.admin.id  # role above


def test_edit_keeps_old_and_new_values(w: f.World) -> None:
    case = concluded(w)
    action = add(w, case)
    member = Actor.for_user(w.committee_member)
    later = DUE + timedelta(days=10)
    followup.edit_action(member, case.id, action.id, ActionInput(
        kind="recovery", description="Thu hồi tiền", due_on=later, owner_user_id=w.inspector.id,
        amount_vnd=700_000))
    changes = _events(case.id)[-1].data["changes"]
    assert changes["kind"] == ["remedy", "recovery"]
    assert changes["due_on"] == [DUE.isoformat(), later.isoformat()]
    assert changes["amount_vnd"] == [None, 700_000]
    with pytest.raises(PermissionDenied):
        followup.edit_action(Actor.for_user(w.viewer), case.id, action.id, ActionInput(
            kind="other", description="x", due_on=later, owner_user_id=w.inspector.id))


def test_a_stale_version_changes_nothing(w: f.World) -> None:
    case = concluded(w)
    stale = case.version
    add(w, case)
    with pytest.raises(VersionConflict):
        add(w, case, expected_version=stale)


def test_an_action_past_its_date_is_overdue(w: f.World) -> None:
    case = concluded(w)
    past = datetime.now(UTC) - timedelta(days=40)
    action = add(w, case, due_on=(past + timedelta(days=5)).date(), now=past)
    today = cases.local_today()
    assert action.is_overdue(today)
    followup.complete_action(Actor.for_user(w.inspector), case.id, action.id, note="Đã làm")
    assert not action.is_overdue(today)
