"""Changing who works a case: the team (đoàn kiểm tra) and its reminders.

The change is an audit event (the state stays as it is) and the reminders of
the case's open deadlines are re-planned: a member who left gets no more, a
new one gets those still ahead. Flushes; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit, conflicts
from hgkiemtra.cases.models import Case, CaseTeamMember
from hgkiemtra.cases.service import TEAM_ROLES, TeamSeat
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from hgkiemtra.denunciations.service import refuse_assignment
from hgkiemtra.people.models import User
from hgkiemtra.reminders import planning
from workflows.engine import Role
from workflows.text import msg

MAY_CHANGE_TEAM = frozenset({Role.ADMIN, Role.CHAIR, Role.MEMBER})


def change_team(
    actor: Actor,
    case_id: int,
    team: Sequence[TeamSeat],
    *,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    now = now or utcnow()
    case = db.session.get(Case, case_id, populate_existing=True)
    if case is None or not actor.can_see(case.organisation.path):
        raise NotFound(msg("Không tìm thấy hồ sơ {case_id}", case_id=case_id))
    if not actor.roles_for(case.organisation.path) & MAY_CHANGE_TEAM:
        raise PermissionDenied(msg("Vai trò của bạn không được phân công đoàn kiểm tra"))
    if expected_version is not None and case.version != expected_version:
        raise VersionConflict(msg("Hồ sơ đã được người khác cập nhật; hãy tải lại"),
                              {"current_version": case.version})
    wanted = _validated(team)
    refuse_assignment(case, wanted)  # denunciations: never the accused's side
    conflicts.check_team(case, wanted)
    try:
        _apply(case, wanted)
        audit.record_in_place(
            case, event="change_team", actor_id=actor.user_id, actor_label=actor.label,
            occurred_at=now, note=note.strip(),
            data={"team": [{"user_id": u, "role": r} for u, r in wanted.items()]},
        )
        db.session.flush()
        planning.replan_case(case, now)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise VersionConflict(msg("Hồ sơ vừa được người khác cập nhật; hãy tải lại và thử lại")) \
            from None
    return case


def _validated(team: Sequence[TeamSeat]) -> dict[int, str]:
    wanted: dict[int, str] = {}
    for seat in team:
        if seat.team_role not in TEAM_ROLES:
            raise ValidationFailed(
                msg("Vai trò trong đoàn không hợp lệ: {team_role}", team_role=seat.team_role)
            )
        if seat.user_id in wanted:
            raise ValidationFailed(
                msg("Người dùng {user_id} có tên hai lần trong đoàn", user_id=seat.user_id)
            )
        user = db.session.get(User, seat.user_id)
        if user is None or not user.is_active:
            raise ValidationFailed(
                msg("Không có người dùng mã số {user_id}", user_id=seat.user_id), {"field": "team"}
            )
        wanted[seat.user_id] = seat.team_role
    return wanted


def _apply(case: Case, wanted: dict[int, str]) -> None:
    for seat in list(case.team):
        if seat.user_id not in wanted:
            case.team.remove(seat)
        else:
            seat.team_role = wanted[seat.user_id]
    db.session.flush()  # removals first: a seat may come back in the same change
    present = {seat.user_id for seat in case.team}
    for user_id, role in wanted.items():
        if user_id not in present:
            case.team.append(CaseTeamMember(user_id=user_id, team_role=role))
