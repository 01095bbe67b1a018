"""Changing a stored deadline: extension by decision, pause and resume.

Each change keeps its history (``DeadlineExtension``, ``DeadlinePause``),
appends an event to the case's audit chain (the state stays as it is; the
case's event count and version advance) and re-plans the reminders, all in
the caller's transaction. Functions flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from hgkiemtra.deadlines import explanations
from hgkiemtra.deadlines.models import Deadline, DeadlineExtension, DeadlinePause
from hgkiemtra.deadlines.service import find_rule, working_calendar
from hgkiemtra.people.models import User
from hgkiemtra.reminders import planning as reminders
from workflows.calendar import Unit
from workflows.engine import Role
from workflows.reminders import local_day
from workflows.text import msg

STAFF = frozenset({Role.ADMIN, Role.CHAIR, Role.MEMBER, Role.INSPECTOR})
MAX_REFERENCE = 200
MAX_TEXT = 4000


@dataclass(frozen=True)
class Target:
    case: Case
    deadline: Deadline
    now: datetime


def _target(actor: Actor, deadline_id: int, case_id: int | None,
            expected_version: int | None, now: datetime | None) -> Target:
    deadline = db.session.get(Deadline, deadline_id, populate_existing=True)
    if deadline is None or (case_id is not None and deadline.case_id != case_id):
        raise NotFound(msg("Không tìm thấy thời hạn {deadline_id}", deadline_id=deadline_id))
    case = db.session.get(Case, deadline.case_id, populate_existing=True)
    if case is None or not actor.can_see(case.organisation.path):
        raise NotFound(msg("Không tìm thấy thời hạn {deadline_id}", deadline_id=deadline_id))
    if not actor.roles_for(case.organisation.path) & STAFF:
        raise PermissionDenied(msg("Vai trò của bạn không được thay đổi thời hạn"))
    if expected_version is not None and case.version != expected_version:
        raise VersionConflict(msg("Hồ sơ đã được người khác cập nhật; hãy tải lại"),
                              {"current_version": case.version})
    if deadline.status != "open":
        raise ValidationFailed(msg("Thời hạn đã kết thúc, không thay đổi được"),
                               {"status": deadline.status})
    return Target(case, deadline, now or utcnow())


def _text(value: str, field: str, label: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(msg("Cần ghi {label}", label=label), {"field": field})
    if len(value) > limit:
        raise ValidationFailed(
            msg("{label} dài quá {limit} ký tự", label=label, limit=limit), {"field": field}
        )
    return value


def _commit_event(actor: Actor, target: Target, event: str, note: str,
                  data: dict[str, Any], change: Callable[[], None]) -> Deadline:
    try:
        change()
        audit.record_in_place(
            target.case, event=event, actor_id=actor.user_id, actor_label=actor.label,
            occurred_at=target.now, note=note, data=data,
        )
        reminders.replan_deadline(target.deadline, target.now)
        db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise VersionConflict(msg("Hồ sơ vừa được người khác cập nhật; hãy tải lại và thử lại")) \
            from None
    return target.deadline


def extend_deadline(
    actor: Actor,
    deadline_id: int,
    new_due_on: date,
    decision_reference: str,
    approver_user_id: int,
    reason: str,
    *,
    case_id: int | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Deadline:
    """Move a deadline later by a decision a chair in scope approved."""
    target = _target(actor, deadline_id, case_id, expected_version, now)
    deadline = target.deadline
    if deadline.paused_since is not None:
        raise ValidationFailed(msg("Thời hạn đang tạm dừng; hãy tiếp tục trước khi gia hạn"))
    reference = _text(decision_reference, "decision_reference", msg("số, ngày quyết định gia hạn"),
                      MAX_REFERENCE)
    reason = _text(reason, "reason", msg("lý do gia hạn"))
    approver = _approver(target.case, approver_user_id)
    if new_due_on <= deadline.due_on:
        raise ValidationFailed(
            msg("Hạn mới phải sau hạn hiện tại ({due_on})", due_on=deadline.due_on),
            {"field": "new_due_on"})
    why = working_calendar().why_not_working(new_due_on)
    if why is not None:
        raise ValidationFailed(
            msg(
                "Hạn mới {new_due_on} không phải ngày làm việc ({why})",
                new_due_on=new_due_on,
                why=why,
            ),
            {"field": "new_due_on"},
        )
    old = deadline.due_on

    def change() -> None:
        db.session.add(DeadlineExtension(
            deadline_id=deadline.id, old_due_on=old, new_due_on=new_due_on,
            decision_reference=reference, approver_id=approver.id, reason=reason,
            created_by_id=actor.user_id, created_at=target.now,
        ))
        deadline.due_on = new_due_on
        explanations.append(deadline, explanations.extended(old, new_due_on, reference,
                                                            approver.full_name))

    data = {"deadline_id": deadline.id, "rule": deadline.rule, "old_due_on": old.isoformat(),
            "new_due_on": new_due_on.isoformat(), "decision_reference": reference,
            "approver_user_id": approver.id}
    return _commit_event(actor, target, "extend_deadline", reason, data, change)


def _approver(case: Case, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise ValidationFailed(msg("Không có người dùng mã số {user_id}", user_id=user_id),
                               {"field": "approver_user_id"})
    path = case.organisation.path
    if not any(a.role == Role.CHAIR.value and path.startswith(a.organisation.path)
               for a in user.roles):
        raise ValidationFailed(
            msg("Người phê duyệt gia hạn phải là chủ nhiệm UBKT có thẩm quyền với hồ sơ này"),
            {"field": "approver_user_id"})
    return user


def pause_deadline(
    actor: Actor,
    deadline_id: int,
    reason: str,
    *,
    case_id: int | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Deadline:
    """Stop the clock, where the rule allows it."""
    target = _target(actor, deadline_id, case_id, expected_version, now)
    deadline = target.deadline
    rule = find_rule(target.case, deadline)
    if rule is None or not rule.can_pause:
        raise ValidationFailed(
            msg("Quy định không cho phép tạm dừng thời hạn '{label}'", label=deadline.label)
        )
    if deadline.paused_since is not None:
        raise ValidationFailed(
            msg("Thời hạn đã tạm dừng từ {paused_since}", paused_since=deadline.paused_since))
    reason = _text(reason, "reason", msg("lý do tạm dừng"))
    today = local_day(target.now)

    def change() -> None:
        deadline.paused_since = today
        db.session.add(DeadlinePause(deadline_id=deadline.id, paused_on=today, reason=reason,
                                     paused_by_id=actor.user_id, created_at=target.now))

    data = {"deadline_id": deadline.id, "rule": deadline.rule, "paused_on": today.isoformat(),
            "due_on": deadline.due_on.isoformat()}
    return _commit_event(actor, target, "pause_deadline", reason, data, change)


def resume_deadline(
    actor: Actor,
    deadline_id: int,
    note: str = "",
    *,
    case_id: int | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Deadline:
    """Start the clock again: the due date moves by the time it stood still."""
    target = _target(actor, deadline_id, case_id, expected_version, now)
    deadline = target.deadline
    if deadline.paused_since is None:
        raise ValidationFailed(msg("Thời hạn không ở trạng thái tạm dừng"))
    note = (note or "").strip()[:MAX_TEXT]
    today, since, old = local_day(target.now), deadline.paused_since, deadline.due_on
    calendar = working_calendar()
    rule = find_rule(target.case, deadline)
    unit = Unit(deadline.unit or (rule.unit if rule else Unit.CALENDAR_DAYS))
    if unit is Unit.WORKING_DAYS:
        days = max(calendar.working_days_between(since, today), 0)
    else:
        unit, days = Unit.CALENDAR_DAYS, max((today - since).days, 0)
    new_due = calendar.add(old, days, unit) if days else old
    pause = db.session.scalar(
        sa.select(DeadlinePause)
        .where(DeadlinePause.deadline_id == deadline.id, DeadlinePause.resumed_on.is_(None))
        .order_by(DeadlinePause.id.desc()).limit(1)
    )

    def change() -> None:
        deadline.paused_since = None
        deadline.paused_days += days
        deadline.due_on = new_due
        explanations.append(deadline, explanations.resumed(since, today, days, unit, old, new_due))
        if pause is not None:
            pause.resumed_on, pause.days, pause.resume_note = today, days, note
            pause.resumed_by_id = actor.user_id

    data = {"deadline_id": deadline.id, "rule": deadline.rule, "paused_on": since.isoformat(),
            "resumed_on": today.isoformat(), "days": days, "unit": unit.value,
            "old_due_on": old.isoformat(), "new_due_on": new_due.isoformat()}
    return _commit_event(actor, target, "resume_deadline", note, data, change)
