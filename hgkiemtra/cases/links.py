"""Linked cases: a case a transition opened from another, and reading links both ways.

An event whose definition declares ``spawns`` (e.g. a supervision's
``propose_inspection``) opens a case of that kind in the same transaction,
about the same subject and owned by the same organisation, and records one
``CaseLink`` row that both cases list (``outgoing`` from the case that
spawned it, ``incoming`` on the new one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case, CaseLink
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import PermissionDenied, ValidationFailed
from workflows import registry

# The kind of case spawned -> the link's name from the spawning case's side.
LINK_KINDS = {
    "inspection_violation": "spawned_inspection",
    "discipline": "discipline_of",
    "discipline_complaint": "complaint_about",
}
KNOWN_KINDS = (*LINK_KINDS.values(), "escalated_to")
MAX_TITLE = 500


@dataclass(frozen=True)
class LinkView:
    kind: str
    direction: str  # "outgoing" (this case -> other) or "incoming"
    case: Case


def check_spawn(actor: Actor, parent: Case, kind: str, today: date) -> None:
    """Refuse before anything changes when the linked case could not be opened."""
    try:
        definition = registry.for_kind(kind, today)
    except registry.UnknownWorkflow:
        raise ValidationFailed(f"Loại hồ sơ liên kết '{kind}' không tồn tại") from None
    if not actor.roles_for(parent.organisation.path) & definition.opener_roles:
        raise PermissionDenied(f"Vai trò của bạn không được lập hồ sơ '{definition.title}'")
    subjects = definition.subjects
    if not (subjects.member if parent.subject_type == "member" else subjects.organisation):
        raise ValidationFailed(f"Hồ sơ '{definition.title}' không áp dụng cho đối tượng này")
    if not parent.organisation.is_active_on(today):
        raise ValidationFailed("Tổ chức quản lý hồ sơ đã thôi hoạt động: lập hồ sơ tại tổ chức "
                               "kế thừa")


def spawn(actor: Actor, parent: Case, kind: str, *, event: str, note: str,
          data: dict[str, Any], now: datetime, opener: Callable[..., Case]) -> Case:
    """Open the linked case with ``opener`` (``service.open_case``) and record the link."""
    definition = registry.for_kind(kind)
    title = f"{definition.title} (từ {parent.reference}): {parent.title}"[:MAX_TITLE]
    child = opener(
        actor, kind=kind, title=title, org_id=parent.org_id, subject_type=parent.subject_type,
        subject_id=parent.subject_member_id or parent.subject_org_id,
        summary=str(data.get("content") or note or ""), now=now,
        origin={"case_id": parent.id, "reference": parent.reference, "event": event},
    )
    db.session.add(CaseLink(from_case_id=parent.id, to_case_id=child.id,
                            kind=LINK_KINDS.get(kind, "spawned"), created_at=now))
    db.session.flush()
    return child


def links_of(case_id: int) -> list[LinkView]:
    """Every link of a case, outgoing first, oldest first."""
    rows = db.session.execute(
        sa.select(CaseLink).where(
            sa.or_(CaseLink.from_case_id == case_id, CaseLink.to_case_id == case_id)
        ).order_by(CaseLink.id)
    ).scalars().all()
    others = {c.id: c for c in db.session.execute(
        sa.select(Case).where(Case.id.in_(
            {r.to_case_id if r.from_case_id == case_id else r.from_case_id for r in rows}))
    ).scalars()} if rows else {}
    views = [
        LinkView(r.kind, "outgoing" if r.from_case_id == case_id else "incoming",
                 others[r.to_case_id if r.from_case_id == case_id else r.from_case_id])
        for r in rows
    ]
    return sorted(views, key=lambda v: v.direction != "outgoing")
