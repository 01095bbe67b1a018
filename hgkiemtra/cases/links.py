"""Linked cases: a case a transition opened from another, and reading links both ways.

An event whose definition declares ``spawns`` (e.g. a supervision's
``propose_inspection``) opens a case of that kind in the same transaction,
about the same subject and owned by the same organisation, and records one
``CaseLink`` row that both cases list (``outgoing`` from the case that
spawned it, ``incoming`` on the new one).

A user may also open a linked case from a case by hand (``open_linked``,
rules in link_rules.py): an inspection from a denunciation found correct, a
discipline case from any case whose findings warrant it, the complaint at
the next level from an escalated complaint, and cases about the members
responsible from a case about an organisation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit, link_rules
from hgkiemtra.cases.models import Case, CaseLink
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from workflows import registry
from workflows.text import msg

# The kind of case spawned -> the link's name from the spawning case's side.
LINK_KINDS = {
    "inspection_violation": "spawned_inspection",
    "discipline": "discipline_of",
    "discipline_complaint": "complaint_about",
}
KNOWN_KINDS = (*LINK_KINDS.values(), "escalated_to", "member_case",
               "recheck_of")  # followup.recheck: a re-check of implementation
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
        raise ValidationFailed(
            msg("Loại hồ sơ liên kết '{kind}' không tồn tại", kind=kind)
        ) from None
    if not actor.roles_for(parent.organisation.path) & definition.opener_roles:
        raise PermissionDenied(
            msg("Vai trò của bạn không được lập hồ sơ '{title}'", title=definition.title)
        )
    subjects = definition.subjects
    if not (subjects.member if parent.subject_type == "member" else subjects.organisation):
        raise ValidationFailed(
            msg("Hồ sơ '{title}' không áp dụng cho đối tượng này", title=definition.title)
        )
    if not parent.organisation.is_active_on(today):
        raise ValidationFailed(msg("Tổ chức quản lý hồ sơ đã thôi hoạt động: lập hồ sơ tại tổ chức "
                                   "kế thừa"))


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


def open_linked(
    actor: Actor,
    parent_id: int,
    kind: str,
    *,
    note: str,
    target_kind: str | None = None,
    subject_member_ids: Sequence[int] = (),
    expected_version: int | None = None,
    now: datetime | None = None,
) -> list[Case]:
    """Open the linked case(s) ``kind`` asks for (see link_rules) from case ``parent_id``.

    Each new case records the parent as its origin; the parent gets one audit
    event naming them (its state stays as it is). Refused before anything
    changes: NotFound out of scope, PermissionDenied without an opener role of
    the new cases' kind over the organisation that will own them,
    ValidationFailed when the rules do not allow it.
    """
    from hgkiemtra.cases.service import local_today, open_case  # service imports this module

    now = now or utcnow()
    parent = db.session.get(Case, parent_id, populate_existing=True)
    if parent is None or not actor.can_see(parent.organisation.path):
        raise NotFound(msg("Không tìm thấy hồ sơ {parent_id}", parent_id=parent_id))
    if kind not in link_rules.OPEN_KINDS:
        raise ValidationFailed(msg("Loại liên kết không hợp lệ: {kind}", kind=kind),
                               {"field": "kind", "known": list(link_rules.OPEN_KINDS)})
    # Whether the kind applies to this case at all comes first: it decides where the
    # new case would live, and so whose roles count.
    reason = link_rules.refusal(parent, kind)
    if reason is not None:
        raise ValidationFailed(reason, {"field": "kind"})
    _may_open(actor, parent, kind, target_kind, local_today(now))
    if expected_version is not None and parent.version != expected_version:
        raise VersionConflict(msg("Hồ sơ đã được người khác cập nhật; hãy tải lại"),
                              {"current_version": parent.version})
    note = note.strip()
    if not note:
        raise ValidationFailed(msg("Hãy ghi căn cứ mở hồ sơ liên kết"), {"field": "note"})
    plan = link_rules.plan(parent, kind, target_kind, subject_member_ids)
    try:
        children = [_open_child(actor, parent, plan, subject, note, now, open_case)
                    for subject in plan.subjects]
        audit.record_in_place(
            parent, event="open_linked", actor_id=actor.user_id, actor_label=actor.label,
            occurred_at=now, note=note,
            data={"link": plan.link_kind, "opened": [
                {"case_id": c.id, "reference": c.reference, "kind": c.kind} for c in children]},
        )
        db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise VersionConflict(msg("Hồ sơ vừa được người khác cập nhật; hãy tải lại và thử lại")) \
            from None
    return children


def _may_open(actor: Actor, parent: Case, kind: str, target_kind: str | None,
              today: date) -> None:
    org = link_rules.target_org(parent, kind)
    wanted = link_rules.OPEN_KINDS[kind][0] or target_kind
    kinds = [wanted] if wanted in registry.kinds() else list(link_rules.MEMBER_CASE_KINDS)
    if not actor.can_see(org.path):
        raise PermissionDenied(msg("Tổ chức {org} nằm ngoài phạm vi của bạn", org=org.name))
    roles = actor.roles_for(org.path)
    for name in kinds:
        definition = registry.for_kind(name, today)
        if not roles & definition.opener_roles:
            raise PermissionDenied(msg("Vai trò của bạn không được lập hồ sơ '{title}' "
                                       "tại {org}", title=definition.title, org=org.name))


def _open_child(actor: Actor, parent: Case, plan: link_rules.Plan,
                subject: tuple[str, int, str], note: str, now: datetime,
                opener: Callable[..., Case]) -> Case:
    subject_type, subject_id, name = subject
    title = registry.for_kind(plan.target_kind).title
    about = f" — {name}" if plan.link_kind == "member_case" else ""
    child = opener(
        actor, kind=plan.target_kind, org_id=plan.org.id, subject_type=subject_type,
        subject_id=subject_id, summary=note, now=now,
        title=f"{title}{about} (từ {parent.reference}): {parent.title}"[:MAX_TITLE],
        origin={"case_id": parent.id, "reference": parent.reference, "event": "open_linked",
                "link": plan.link_kind},
    )
    db.session.add(CaseLink(from_case_id=parent.id, to_case_id=child.id, kind=plan.link_kind,
                            created_at=now))
    db.session.flush()
    return child


def open_options(actor: Actor, case: Case, today: date) -> list[tuple[str, str | None]]:
    """Each request kind with the reason it is refused now (None: the actor may open it)."""
    options: list[tuple[str, str | None]] = []
    for kind in link_rules.OPEN_KINDS:
        reason = link_rules.refusal(case, kind)
        if reason is None:
            try:
                _may_open(actor, case, kind, None, today)
            except (PermissionDenied, ValidationFailed) as exc:
                reason = exc.message
        options.append((kind, reason))
    return options
