"""Handing an organisation's work to its successor (used by ``people.changes``).

Closing an organisation: it gets ``valid_to`` and a ``successor``; its open
cases move to the successor (each with an audit event on the case's hash
chain), its members move, its still-active children are re-established under
the successor, and — when asked — its role holders get the same role there.
Everything is recorded as items of the change. Functions flush; the caller
commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit, phase_counts
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import ValidationFailed
from hgkiemtra.people import service as people
from hgkiemtra.people.change_models import ItemType, OrganisationChange, OrganisationChangeItem
from hgkiemtra.people.models import (
    ORG_LEVEL_LABELS_VI,
    Member,
    Organisation,
    OrgLevel,
    RoleAssignment,
)
from workflows.text import msg

TRANSFER_EVENT = "transfer_organisation"
# Where one item goes when it does not follow the default successor (a split):
# ("case" | "member" | "org", id) -> the successor, or None for the default.
Route = Callable[[str, int], Organisation | None]


@dataclass
class Handover:
    change: OrganisationChange
    actor: Actor
    on: date
    now: datetime
    moved_cases: list[Case] = field(default_factory=list)

    def record(self, item_type: ItemType, *, item_id: int | None = None,
               from_org: Organisation | None = None, to_org: Organisation | None = None) -> None:
        self.change.items.append(OrganisationChangeItem(
            item_type=item_type.value, item_id=item_id,
            from_org_id=from_org.id if from_org else None, to_org_id=to_org.id if to_org else None))


def level_label(org: Organisation) -> str:
    return ORG_LEVEL_LABELS_VI[OrgLevel(org.level)]


def open_cases(org: Organisation) -> list[Case]:
    return list(db.session.scalars(
        sa.select(Case).where(Case.org_id == org.id, Case.closed_on.is_(None)).order_by(Case.id)))


def members_of(org: Organisation) -> list[Member]:
    return list(db.session.scalars(
        sa.select(Member).where(Member.org_id == org.id).order_by(Member.search_name, Member.id)))


def active_children(org: Organisation, on: date) -> list[Organisation]:
    """Children still active on ``on``; one closing later than that would
    outlive its parent, so it is refused."""
    found = []
    for child in org.children:
        if child.valid_to is None:
            found.append(child)
        elif child.valid_to >= on:
            raise ValidationFailed(
                msg(
                    "'{child}' trực thuộc '{org}' đã có ngày ngừng hoạt động "
                    "{valid_to}, sau ngày thay đổi; hãy xử lý tổ chức đó trước",
                    child=child.name,
                    org=org.name,
                    valid_to=child.valid_to.strftime("%d/%m/%Y"),
                )
            )
    return found


def close(h: Handover, org: Organisation, successor: Organisation, *,
          route: Route | None = None, carry_roles: bool = False) -> None:
    """Close ``org`` the day before the change and hand its work over."""
    org.valid_to = h.on - timedelta(days=1)
    org.successor = successor

    def target(kind: str, item_id: int) -> Organisation:
        return (route(kind, item_id) if route else None) or successor

    for case in open_cases(org):
        hand_case(h, case, target("case", case.id))
    for member in members_of(org):
        to_org = target("member", member.id)
        member.org_id = to_org.id
        h.record(ItemType.MEMBER, item_id=member.id, from_org=org, to_org=to_org)
    if carry_roles:
        carry_role_assignments(h, org, successor)
    for child in active_children(org, h.on):
        reestablish(h, child, target("org", child.id))
    db.session.flush()


def hand_case(h: Handover, case: Case, to_org: Organisation) -> None:
    """The case's owner becomes ``to_org``: an audit event keeps the chain whole."""
    from_org = case.organisation
    case.organisation = to_org
    phase_counts.transfer(case.phase, from_org.id, to_org.id)  # the dashboard's counts
    audit.record_in_place(
        case, event=TRANSFER_EVENT, actor_id=h.actor.user_id, actor_label=h.actor.label,
        occurred_at=h.now,
        note=f"{from_org.name} → {to_org.name}" + (f". {h.change.note}" if h.change.note else ""),
        data={"change_id": h.change.id, "change_kind": h.change.kind,
              "effective_on": h.on.isoformat(),
              "from_org": {"id": from_org.id, "code": from_org.code, "name": from_org.name},
              "to_org": {"id": to_org.id, "code": to_org.code, "name": to_org.name}},
    )
    h.record(ItemType.CASE, item_id=case.id, from_org=from_org, to_org=to_org)
    h.moved_cases.append(case)


def carry_role_assignments(h: Handover, org: Organisation, successor: Organisation) -> None:
    """Each role held directly over ``org`` is also granted over ``successor``.
    The old assignment stays: it still covers the old organisation's history."""
    held = db.session.scalars(sa.select(RoleAssignment).where(RoleAssignment.org_id == org.id))
    for assignment in list(held):
        exists = db.session.scalar(sa.select(RoleAssignment.id).where(
            RoleAssignment.user_id == assignment.user_id, RoleAssignment.role == assignment.role,
            RoleAssignment.org_id == successor.id))
        if exists is not None:
            continue
        copy = RoleAssignment(user_id=assignment.user_id, role=assignment.role,
                              org_id=successor.id)
        db.session.add(copy)
        db.session.flush()
        h.record(ItemType.ROLE, item_id=copy.id, from_org=org, to_org=successor)


def reestablish(h: Handover, child: Organisation, new_parent: Organisation) -> Organisation:
    """``child`` goes on under ``new_parent``: a new row (the old one keeps its
    place in the old tree), then the old row closes into it. Recursive."""
    if people.LEVEL_RANK[OrgLevel(new_parent.level)] >= people.LEVEL_RANK[OrgLevel(child.level)]:
        raise ValidationFailed(
            msg(
                "Không thể chuyển '{child}' ({child_level}) về trực thuộc "
                "'{new_parent}' ({new_parent_level}): tổ chức cấp trên phải ở cấp cao hơn",
                child=child.name,
                child_level=level_label(child),
                new_parent=new_parent.name,
                new_parent_level=level_label(new_parent),
            )
        )
    if child.valid_from is not None and child.valid_from >= h.on:
        raise ValidationFailed(
            msg(
                "'{child}' thành lập ngày {valid_from}, không trước ngày "
                "thay đổi; hãy chọn ngày thay đổi muộn hơn",
                child=child.name,
                valid_from=child.valid_from.strftime("%d/%m/%Y"),
            )
        )
    copy = people.create_organisation(
        code=code_under(child, new_parent), name=child.name, level=child.level,
        parent=new_parent, valid_from=h.on)
    h.record(ItemType.MOVED, from_org=child, to_org=copy)
    close(h, child, copy, carry_roles=True)  # the same body in a new place keeps its people
    return copy


def code_under(child: Organisation, new_parent: Organisation) -> str:
    """'HG.VT.P1' moving from under 'HG.VT' to under 'CT' becomes 'CT.P1'
    (then 'CT.P1-2', ... if that is taken)."""
    old_parent = child.parent
    tail = child.code
    if old_parent is not None and child.code.startswith(old_parent.code + "."):
        tail = child.code[len(old_parent.code) + 1:]
    base = f"{new_parent.code}.{tail}"
    candidate, n = base, 1
    while people.find_organisation(candidate) is not None:
        n += 1
        candidate = f"{base}-{n}"
    if len(candidate) > 40:
        raise ValidationFailed(
            msg(
                "Mã mới cho '{child}' quá dài ({candidate}); hãy rút ngắn mã tổ chức",
                child=child.name,
                candidate=candidate,
            )
        )
    return candidate
