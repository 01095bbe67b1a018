"""A re-check of implementation (kiểm tra việc thực hiện thông báo kết luận) as its own case.

domain.md §6 suggests the check on implementation be its own linked case.
It opens as a **supervision** (``supervision``): it applies to members and
organisations alike, it accuses no one (the conclusion already judged the
facts; the question now is whether its actions were carried out), and when
it finds the conclusion ignored it can propose an inspection on signs of
violation, its own linked case. The new case is about the same subject,
owned by the same organisation, and linked from the original with the kind
``recheck_of`` ("the other case is the re-check of this one"); the original
records an ``open_recheck`` audit event naming it.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit, links
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case, CaseLink
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from hgkiemtra.followup.service import KIND_LABELS, STATUS_LABELS, actions_of, can_write
from hgkiemtra.followup.validation import MAX_TEXT, format_vnd
from workflows.engine import Phase
from workflows.text import msg

RECHECK_KIND = "supervision"
LINK_KIND = "recheck_of"
TITLE = "Kiểm tra việc thực hiện thông báo kết luận"


def recheck_refusal(actor: Actor, case: Case) -> str | None:
    """Why ``actor`` cannot open a re-check of ``case`` now (None: they can)."""
    if not can_write(actor, case):
        return msg("Vai trò của bạn không được mở hồ sơ kiểm tra việc thực hiện kết luận")
    if not actions_of(case.id):
        return msg("Hồ sơ chưa có việc nào phải thực hiện theo kết luận")
    running = open_rechecks(case.id)
    if running:
        return msg("Đã có hồ sơ kiểm tra việc thực hiện đang mở: {reference}",
                   reference=running[0].reference)
    try:
        links.check_spawn(actor, case, RECHECK_KIND, cases.local_today())
    except (PermissionDenied, ValidationFailed) as exc:
        return exc.message
    return None


def rechecks_of(case_id: int) -> list[links.LinkView]:
    """The re-checks opened from this case, and the case this one re-checks."""
    return [view for view in links.links_of(case_id) if view.kind == LINK_KIND]


def open_rechecks(case_id: int) -> list[Case]:
    return list(db.session.scalars(
        sa.select(Case).join(CaseLink, CaseLink.to_case_id == Case.id)
        .where(CaseLink.from_case_id == case_id, CaseLink.kind == LINK_KIND,
               Case.phase != Phase.CLOSED.value)
        .order_by(Case.id)))


def open_recheck(actor: Actor, case_id: int, *, note: str = "",
                 expected_version: int | None = None, now: datetime | None = None) -> Case:
    """Open the re-check case and link it; the original's state stays as it is."""
    now = now or utcnow()
    case = db.session.get(Case, case_id, populate_existing=True)
    if case is None or not actor.can_see(case.organisation.path):
        raise NotFound(msg("Không tìm thấy hồ sơ {case_id}", case_id=case_id))
    if expected_version is not None and case.version != expected_version:
        raise VersionConflict(msg("Hồ sơ đã được người khác cập nhật; hãy tải lại"),
                              {"current_version": case.version})
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise ValidationFailed(
            msg("Ghi chú dài quá {max_text} ký tự", max_text=MAX_TEXT), {"field": "note"}
        )
    refusal = recheck_refusal(actor, case)
    if refusal:
        if not can_write(actor, case):
            raise PermissionDenied(refusal)
        raise ValidationFailed(refusal)
    try:
        child = cases.open_case(
            actor, kind=RECHECK_KIND, title=f"{TITLE} (từ {case.reference}): {case.title}"[:500],
            org_id=case.org_id, subject_type=case.subject_type,
            subject_id=case.subject_member_id or case.subject_org_id,
            summary=_summary(case, note), now=now,
            origin={"case_id": case.id, "reference": case.reference, "event": "open_recheck",
                    "link": LINK_KIND})
        db.session.add(CaseLink(from_case_id=case.id, to_case_id=child.id, kind=LINK_KIND,
                                created_at=now))
        audit.record_in_place(
            case, event="open_recheck", actor_id=actor.user_id, actor_label=actor.label,
            occurred_at=now, note=note,
            data={"link": LINK_KIND, "case_id": child.id, "reference": child.reference})
        db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise VersionConflict(msg("Hồ sơ vừa được người khác cập nhật; hãy tải lại và thử lại")) \
            from None
    return child


def _summary(case: Case, note: str) -> str:
    """What the re-check is about: the note, then every action and where it stands."""
    lines = [note] if note else []
    lines.append(f"Các việc phải thực hiện theo kết luận của hồ sơ {case.reference}:")
    for action in actions_of(case.id):
        amount = f", {format_vnd(action.amount_vnd)}" if action.amount_vnd else ""
        lines.append(f"- #{action.id} {KIND_LABELS[action.kind]}{amount}: {action.description} "
                     f"(hạn {action.due_on:%d/%m/%Y}; {STATUS_LABELS[action.status].lower()})")
    return "\n".join(lines)
