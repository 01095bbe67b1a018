"""Conflict-of-interest declarations of a case's team (cam kết, kê khai xung đột lợi ích).

Each person on the team declares, for themself, whether they have a conflict
of interest with the case, with a statement. A declared conflict is shown to
the chair on the case page, and the person may no longer be (or be made) the
team leader. Declaring is an audit event (the state stays as it is).
Flushes; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit
from hgkiemtra.cases.models import Case, TeamDeclaration
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from workflows.text import msg

MAX_STATEMENT = 4000
DEFAULT_STATEMENT = ("Tôi cam kết không có quan hệ gia đình, lợi ích hay công tác với đối tượng "
                     "kiểm tra có thể ảnh hưởng đến tính khách quan của đoàn.")


@dataclass(frozen=True)
class TeamLine:
    """One seat of the team panel: who, their role, and what they declared."""

    user_id: int
    name: str
    team_role: str
    declaration: TeamDeclaration | None

    @property
    def needs_attention(self) -> bool:
        """Declared a conflict: the chair should act (and a leader must be replaced)."""
        return self.declaration is not None and self.declaration.has_conflict


def declare(
    actor: Actor,
    case_id: int,
    *,
    has_conflict: bool,
    statement: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> TeamDeclaration:
    """Record the acting user's own declaration on a case whose team they sit on."""
    now = now or utcnow()
    case = db.session.get(Case, case_id, populate_existing=True)
    if case is None or not actor.can_see(case.organisation.path):
        raise NotFound(msg("Không tìm thấy hồ sơ {case_id}", case_id=case_id))
    if actor.user_id is None or all(s.user_id != actor.user_id for s in case.team):
        raise PermissionDenied(msg("Chỉ thành viên đoàn kiểm tra của hồ sơ mới khai báo xung đột "
                                   "lợi ích"))
    if expected_version is not None and case.version != expected_version:
        raise VersionConflict(msg("Hồ sơ đã được người khác cập nhật; hãy tải lại"),
                              {"current_version": case.version})
    statement = statement.strip() or ("" if has_conflict else DEFAULT_STATEMENT)
    if has_conflict and not statement:
        raise ValidationFailed(
            msg("Có xung đột lợi ích: hãy nêu rõ nội dung"), {"field": "statement"}
        )
    if len(statement) > MAX_STATEMENT:
        raise ValidationFailed(
            msg("Nội dung khai báo tối đa {max_statement} ký tự", max_statement=MAX_STATEMENT),
            {"field": "statement"},
        )
    row = _row(case.id, actor.user_id)
    row.has_conflict, row.statement, row.declared_at = has_conflict, statement, now
    audit.record_in_place(
        case, event="declare_interest", actor_id=actor.user_id, actor_label=actor.label,
        occurred_at=now, note=statement,
        data={"user_id": actor.user_id, "has_conflict": has_conflict,
              "team_role": _role_of(case, actor.user_id)},
    )
    db.session.flush()
    return row


def _row(case_id: int, user_id: int) -> TeamDeclaration:
    found = db.session.execute(
        sa.select(TeamDeclaration).where(TeamDeclaration.case_id == case_id,
                                         TeamDeclaration.user_id == user_id)
    ).scalar_one_or_none()
    if found is None:
        found = TeamDeclaration(case_id=case_id, user_id=user_id, has_conflict=False)
        db.session.add(found)
    return found


def _role_of(case: Case, user_id: int) -> str:
    return next(s.team_role for s in case.team if s.user_id == user_id)


def declarations_of(case_id: int) -> dict[int, TeamDeclaration]:
    """The latest declaration of each person, by user id."""
    rows = db.session.execute(
        sa.select(TeamDeclaration).where(TeamDeclaration.case_id == case_id)
    ).scalars()
    return {row.user_id: row for row in rows}


ROLE_ORDER = {"leader": 0, "directing": 1, "member": 2}


def team_lines(case: Case) -> list[TeamLine]:
    """The current team, leader first, each with their declaration (or None)."""
    declared = declarations_of(case.id)
    seats = sorted(case.team, key=lambda s: (ROLE_ORDER.get(s.team_role, 9), s.user.full_name))
    return [TeamLine(s.user_id, s.user.full_name, s.team_role, declared.get(s.user_id))
            for s in seats]
