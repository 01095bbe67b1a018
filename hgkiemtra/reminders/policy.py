"""Changing the reminder policy and a user's reminder mode (admin and user settings).

A policy change re-plans the reminders of every open deadline. Functions
flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed
from hgkiemtra.people.models import User
from hgkiemtra.reminders import planning
from hgkiemtra.reminders.models import ReminderPolicy
from workflows.engine import Role
from workflows.reminders import POLICY_ROLES, Policy
from workflows.text import msg

REMINDER_MODES = ("immediate", "digest")


def current_policies() -> dict[str, Policy]:
    """Every role's policy, stored or default, in role order."""
    found = planning.policies()
    return {role: found[role] for role in POLICY_ROLES}


def set_policy(
    actor: Actor,
    role: str,
    *,
    offsets_before: Sequence[int] | None = None,
    on_the_day: bool | None = None,
    overdue_every_days: int | None = None,
    escalate_after_days: int | None = None,
    now: datetime | None = None,
) -> Policy:
    """Change some of one role's settings (the others stay), then re-plan."""
    if not any(r is Role.ADMIN for r, _ in actor.scopes):
        raise PermissionDenied(msg("Chỉ quản trị viên được sửa chính sách nhắc hạn"))
    if role not in POLICY_ROLES:
        raise ValidationFailed(msg("Vai trò '{role}' không có chính sách nhắc hạn "
                                   "(có: {roles})", role=role, roles=', '.join(POLICY_ROLES)))
    old = current_policies()[role]
    new = Policy(
        tuple(offsets_before) if offsets_before is not None else old.offsets_before,
        old.on_the_day if on_the_day is None else on_the_day,
        old.overdue_every_days if overdue_every_days is None else overdue_every_days,
        old.escalate_after_days if escalate_after_days is None else escalate_after_days,
    ).normalised()
    problems = new.problems()
    if problems:
        raise ValidationFailed(msg("Chính sách nhắc hạn không hợp lệ"), {"reasons": problems})
    now = now or utcnow()
    row = db.session.get(ReminderPolicy, role) or ReminderPolicy(role=role)
    row.offsets_before = list(new.offsets_before)
    row.on_the_day = new.on_the_day
    row.overdue_every_days = new.overdue_every_days
    row.escalate_after_days = new.escalate_after_days
    row.updated_by_id, row.updated_at = actor.user_id, now
    db.session.add(row)
    db.session.flush()
    planning.replan_open_deadlines(now)
    return new


def set_reminder_mode(user_id: int, mode: str) -> User:
    """``immediate``: one mail per reminder; ``digest``: one mail a day at 07:30."""
    if mode not in REMINDER_MODES:
        raise ValidationFailed(
            msg("Chế độ nhắc hạn phải là: {modes}", modes=", ".join(REMINDER_MODES)),
            {"field": "reminder_mode"},
        )
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(msg("Không có người dùng mã số {user_id}", user_id=user_id))
    user.reminder_mode = mode
    db.session.flush()
    return user
