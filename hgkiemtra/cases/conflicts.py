"""Conflict of interest in an inspection team (đoàn kiểm tra).

Who may not sit on a case's team: the subject themself, and anyone who is a
member of the inspected organisation. For an organisation subject that is
the organisation and its whole subtree; for a member subject it is the
organisation the member belongs to (their chi bộ or đảng bộ cơ sở), and
everything below it. Only users linked to a Party member record
(``users.member_id``) can be recognised; the declarations (declarations.py)
cover what the records cannot show. A person who has declared a conflict
may not lead the team.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from hgkiemtra.cases.models import Case, TeamDeclaration
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import ValidationFailed
from hgkiemtra.people.models import Member, Organisation, User
from workflows.text import msg


def inspected_organisation(case: Case) -> Organisation | None:
    """The organisation whose members may not inspect the case."""
    if case.subject_type == "organisation":
        return case.subject_org
    return case.subject_member.organisation if case.subject_member is not None else None


def conflict_reason(case: Case, user: User) -> str | None:
    """Why ``user`` may not sit on the team of ``case``, or None."""
    if user.member_id is None:
        return None
    # Through the relationship: before the first flush of a new case its FK column is unset.
    subject = case.subject_member
    if case.subject_type == "member" and subject is not None and user.member_id == subject.id:
        return msg("{user} là đối tượng của hồ sơ: người là đối tượng kiểm tra "
                   "không được tham gia đoàn (xung đột lợi ích)", user=user.full_name)
    inspected = inspected_organisation(case)
    member = db.session.get(Member, user.member_id)
    if inspected is None or member is None:
        return None
    if member.organisation.path.startswith(inspected.path):
        return msg("{user} sinh hoạt tại {org}, thuộc tổ chức được kiểm tra ({inspected}): "
                   "đảng viên của tổ chức được kiểm tra không được tham gia đoàn (xung đột lợi "
                   "ích)", user=user.full_name, org=member.organisation.name,
                   inspected=inspected.name)
    return None


def refuse_conflict(case: Case, user: User) -> None:
    """Raise ValidationFailed naming the user and the rule when they may not sit."""
    reason = conflict_reason(case, user)
    if reason is not None:
        raise ValidationFailed(reason, {"field": "team", "user_id": user.id,
                                        "rule": "conflict_of_interest"})


def check_team(case: Case, wanted: Mapping[int, str]) -> None:
    """Every wanted seat (user id -> team role) of a team change is free of conflict,
    and the leader has not declared a conflict on this case."""
    for user_id, role in wanted.items():
        user = db.session.get(User, user_id)
        if user is not None:
            refuse_conflict(case, user)
        if role == "leader" and declared_conflict(case.id, user_id):
            name = user.full_name if user is not None else str(user_id)
            raise ValidationFailed(
                msg("{name} đã khai báo có xung đột lợi ích với hồ sơ này: không được làm "
                    "trưởng đoàn", name=name),
                {"field": "team", "user_id": user_id, "rule": "declared_conflict"})


def declared_conflict(case_id: int, user_id: int) -> bool:
    return bool(db.session.execute(
        sa.select(TeamDeclaration.has_conflict).where(
            TeamDeclaration.case_id == case_id, TeamDeclaration.user_id == user_id)
    ).scalar_one_or_none())
