"""Follow-up actions of a conclusion: add, edit, mark done, waive; and the close check.

Actions are added once the conclusion exists (``add_refusal``). Every change
is an audit event in the case's hash chain that leaves the state as it is
(``audit.record_in_place``: the case's version advances, so a concurrent
change — or a concurrent attempt to close — answers a version conflict).
While an action is open, no event may move the case into a closed-phase
state: ``close_blockers`` is registered as a case check of
``cases.service``, so ``fire_event`` refuses and ``allowed_events`` shows the
step disabled with the open actions as reasons. Functions flush; the caller
commits.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from hgkiemtra.followup import validation as check
from hgkiemtra.followup.models import FollowUpAction
from hgkiemtra.followup.validation import ActionInput
from workflows.engine import EventDef, Phase, Role, WorkflowDefinition
from workflows.text import msg

KIND_LABELS = {
    "self_criticism": "Kiểm điểm, rút kinh nghiệm",
    "remedy": "Khắc phục hạn chế, vi phạm",
    "recovery": "Thu hồi tiền",
    "discipline": "Xem xét, xử lý kỷ luật",
    "other": "Việc khác",
}
STATUS_LABELS = {"open": "Đang thực hiện", "done": "Đã hoàn thành", "waived": "Được miễn"}
# The same, lower case, as they read inside a sentence ("Việc #3 đã {status}").
CLOSED_LABELS = {"done": msg("đã hoàn thành"), "waived": msg("được miễn")}
WRITERS = frozenset({Role.INSPECTOR, Role.MEMBER, Role.CHAIR})
# Phases in which a recorded conclusion can carry actions.
ACTION_PHASES = frozenset({Phase.FINDINGS, Phase.DISCIPLINE, Phase.FOLLOW_UP})
# The event fields that hold a conclusion (inspections, supervision,
# denunciations, discipline) or a complaint's ruling.
CONCLUSION_FIELDS = ("conclusion", "ruling")
MAX_LISTED = 10


# --- reading ---------------------------------------------------------------


def list_actions(actor: Actor, case_id: int) -> list[FollowUpAction]:
    case = cases.get_case(actor, case_id)
    return actions_of(case.id)


def actions_of(case_id: int) -> list[FollowUpAction]:
    return list(db.session.scalars(
        sa.select(FollowUpAction).where(FollowUpAction.case_id == case_id)
        .order_by(FollowUpAction.due_on, FollowUpAction.id)))


def get_action(actor: Actor, case_id: int, action_id: int) -> FollowUpAction:
    case = cases.get_case(actor, case_id)
    action = db.session.get(FollowUpAction, action_id, populate_existing=True)
    if action is None or action.case_id != case.id:
        raise NotFound(
            msg(
                "Không tìm thấy việc {action_id} của hồ sơ {case_id}",
                action_id=action_id,
                case_id=case_id,
            )
        )
    return action


def open_actions(case_id: int) -> list[FollowUpAction]:
    return list(db.session.scalars(
        sa.select(FollowUpAction)
        .where(FollowUpAction.case_id == case_id, FollowUpAction.status == "open")
        .order_by(FollowUpAction.due_on, FollowUpAction.id)))


def add_refusal(case: Case) -> str | None:
    """Why actions cannot be added to ``case`` now (None: they can)."""
    phase = Phase(case.phase)
    if phase is Phase.CLOSED:
        return msg("Hồ sơ đã kết thúc: không thêm, sửa việc phải thực hiện được nữa")
    has_conclusion = any((case.data or {}).get(name) for name in CONCLUSION_FIELDS)
    if phase not in ACTION_PHASES or not has_conclusion:
        return msg("Chỉ thêm việc phải thực hiện khi hồ sơ đã có kết luận")
    return None


def can_write(actor: Actor, case: Case) -> bool:
    return bool(actor.roles_for(case.organisation.path) & WRITERS)


def is_chair(actor: Actor, case: Case) -> bool:
    return Role.CHAIR in actor.roles_for(case.organisation.path)


# --- changing --------------------------------------------------------------


def add_action(actor: Actor, case_id: int, given: ActionInput, *,
               expected_version: int | None = None, now: datetime | None = None
               ) -> FollowUpAction:
    """Add one action to a concluded case (inspector, committee member or chair)."""
    now = now or utcnow()
    case = _writable_case(actor, case_id, expected_version)
    values = check.validated(case, given, cases.local_today(now))
    action = FollowUpAction(case_id=case.id, status="open", created_at=now,
                            created_by_user_id=actor.user_id, done_note="", waived_reason="",
                            **values)
    db.session.add(action)
    db.session.flush()
    return _record(actor, case, action, "add_followup_action", values["description"],
                   {"action_id": action.id, **_jsonable(values)}, now)


def edit_action(actor: Actor, case_id: int, action_id: int, given: ActionInput, *,
                expected_version: int | None = None, now: datetime | None = None
                ) -> FollowUpAction:
    """Change an open action; the audit event keeps each changed value, old and new."""
    now = now or utcnow()
    case = _writable_case(actor, case_id, expected_version)
    action = _open_action(case, action_id)
    values = check.validated(case, given, cases.local_today(now), keep_due_on=action.due_on)
    changes = {name: [_plain(getattr(action, name)), _plain(value)]
               for name, value in values.items() if getattr(action, name) != value}
    if not changes:
        return action
    for name, value in values.items():
        setattr(action, name, value)
    return _record(actor, case, action, "edit_followup_action", "",
                   {"action_id": action.id, "changes": changes}, now)


def complete_action(actor: Actor, case_id: int, action_id: int, *, note: str,
                    done_on: date | None = None, recovered_vnd: int | None = None,
                    expected_version: int | None = None, now: datetime | None = None
                    ) -> FollowUpAction:
    """Mark an action done: the team, the committee, or the user who owns it."""
    now = now or utcnow()
    today = cases.local_today(now)
    case = _case(actor, case_id, expected_version)
    action = _open_action(case, action_id)
    if not (can_write(actor, case) or
            (actor.user_id is not None and actor.user_id == action.owner_user_id)):
        raise PermissionDenied(msg("Vai trò của bạn không được xác nhận việc đã thực hiện"))
    note = check.text(note, "done_note", msg("kết quả thực hiện"))
    done_on = done_on or today
    if done_on > today:
        raise ValidationFailed(
            msg("Ngày hoàn thành không được sau ngày hôm nay"), {"field": "done_on"}
        )
    if done_on < case.opened_on:
        raise ValidationFailed(msg("Ngày hoàn thành không được trước ngày lập hồ sơ"),
                               {"field": "done_on"})
    recovered_vnd = check.recovered_amount(action, recovered_vnd)
    action.status, action.done_on, action.done_note = "done", done_on, note
    action.recovered_vnd = recovered_vnd
    return _record(actor, case, action, "complete_followup_action", note,
                   {"action_id": action.id, "done_on": done_on.isoformat(),
                    "recovered_vnd": recovered_vnd}, now)


def waive_action(actor: Actor, case_id: int, action_id: int, *, reason: str,
                 expected_version: int | None = None, now: datetime | None = None
                 ) -> FollowUpAction:
    """Release an open action: the committee chair only, with the reason."""
    now = now or utcnow()
    case = _case(actor, case_id, expected_version)
    if not is_chair(actor, case):
        raise PermissionDenied(msg("Chỉ chủ nhiệm UBKT được miễn thực hiện một việc"))
    action = _open_action(case, action_id)
    reason = check.text(reason, "waived_reason", msg("lý do miễn"))
    action.status, action.waived_reason, action.waived_by_user_id = "waived", reason, actor.user_id
    return _record(actor, case, action, "waive_followup_action", reason,
                   {"action_id": action.id}, now)


# --- the close check -------------------------------------------------------


def close_blockers(case: Case, definition: WorkflowDefinition, event: EventDef) -> list[str]:
    """One reason per open action when ``event`` would close the case."""
    if not definition.state(event.dest).is_final:
        return []
    pending = open_actions(case.id)
    reasons: list[str] = [
        msg("Việc #{action_id} ({kind}, hạn {due_on}) chưa xong: hoàn thành hoặc đề nghị "
            "chủ nhiệm UBKT miễn (có lý do) trước khi kết thúc hồ sơ", action_id=a.id,
            kind=KIND_LABELS[a.kind], due_on=a.due_on.strftime("%d/%m/%Y"))
        for a in pending[:MAX_LISTED]
    ]
    if len(pending) > MAX_LISTED:
        reasons.append(msg("… và {count} việc khác chưa xong", count=len(pending) - MAX_LISTED))
    return reasons


cases.add_case_check(close_blockers)


# --- helpers ---------------------------------------------------------------


def _case(actor: Actor, case_id: int, expected_version: int | None) -> Case:
    case = db.session.get(Case, case_id, populate_existing=True)
    if case is None or not actor.can_see(case.organisation.path):
        raise NotFound(msg("Không tìm thấy hồ sơ {case_id}", case_id=case_id))
    if expected_version is not None and case.version != expected_version:
        raise VersionConflict(msg("Hồ sơ đã được người khác cập nhật; hãy tải lại"),
                              {"current_version": case.version})
    return case


def _writable_case(actor: Actor, case_id: int, expected_version: int | None) -> Case:
    case = _case(actor, case_id, expected_version)
    if not can_write(actor, case):
        raise PermissionDenied(msg("Vai trò của bạn không được thêm, sửa việc phải thực hiện"))
    refusal = add_refusal(case)
    if refusal:
        raise ValidationFailed(refusal, {"state": case.state})
    return case


def _open_action(case: Case, action_id: int) -> FollowUpAction:
    action = db.session.get(FollowUpAction, action_id, populate_existing=True)
    if action is None or action.case_id != case.id:
        raise NotFound(
            msg(
                "Không tìm thấy việc {action_id} của hồ sơ {case_id}",
                action_id=action_id,
                case_id=case.id,
            )
        )
    if action.status != "open":
        raise ValidationFailed(
            msg(
                "Việc #{action_id} đã {status}: không thay đổi được nữa",
                action_id=action.id,
                status=CLOSED_LABELS[action.status],
            ),
            {"status": action.status},
        )
    return action


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _plain(value) for name, value in values.items()}


def _record(actor: Actor, case: Case, action: FollowUpAction, event: str, note: str,
            data: dict[str, Any], now: datetime) -> FollowUpAction:
    try:
        audit.record_in_place(case, event=event, actor_id=actor.user_id,
                              actor_label=actor.label, occurred_at=now, note=note, data=data)
        db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise VersionConflict(msg("Hồ sơ vừa được người khác cập nhật; hãy tải lại và thử lại")) \
            from None
    return action
