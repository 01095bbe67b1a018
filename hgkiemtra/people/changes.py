"""Organisation changes: merge (sáp nhập), split (chia tách), dissolve (giải
thể) and move (chuyển trực thuộc), each effective on a date.

How history is kept
-------------------
* Organisation rows are never deleted, never re-parented, and their
  materialised ``path`` never changes. Case scope and role scope are decided
  by path, so everything that was visible under the old tree stays so, and
  the tree on any past date is simply the rows active on that date
  (``people.org_history.tree_on``).
* A closing organisation gets ``valid_to`` = the day *before* the change date
  (``valid_to`` is the last active day) and a ``successor``.
* Its still-active children go on existing under the successor: each is
  *re-established* — a new row under the new parent, valid from the change
  date, same name, code re-based on the new parent ('HG.VT.P1' -> 'CT.P1') —
  and the old row closes into it (a "moved" item). This is recursive, so a
  district's grassroots and cells all reach the new tree.
* Open cases (``closed_on IS NULL``) of a closing organisation move to the
  successor: ``case.org_id`` changes and an audit event
  ``transfer_organisation`` (from/to, the change) goes on the case's hash
  chain; the reminders of its open deadlines are re-planned for the new
  owner's chairs. Closed cases stay with the old organisation. A case's
  *subject* never changes: the organisation inspected is history.
* Members move to the successor (one item each, so the old membership can be
  read back).
* Role assignments over a closing organisation stay: the old organisation is
  still in the tree at its old path, so its role holders keep seeing its
  closed cases, while the moved open cases are out of their reach. With
  ``carry_roles`` each holder also gets the same role over the successor. A
  re-established child always carries its roles (the same body, moved).
* A change is recorded once it has taken effect: ``on`` may not be after
  today (back-dated is fine). The person confirming it sees the open cases
  that will move; a change applied later by a timer would move cases nobody
  confirmed.
* The actor must hold the admin role over every organisation involved.

Every function flushes; the caller (admin view, CLI) commits once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy.orm.exc import StaleDataError

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.service import local_today
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from hgkiemtra.people import handover
from hgkiemtra.people import service as people
from hgkiemtra.people.change_models import ChangeKind, ItemType, OrganisationChange
from hgkiemtra.people.handover import Handover, level_label
from hgkiemtra.people.models import Organisation, OrgLevel
from hgkiemtra.reminders import planning
from workflows.engine import Role
from workflows.text import msg


@dataclass(frozen=True)
class NewOrg:
    """A successor created by the change. Level and parent default to the
    (first) closing organisation's."""

    code: str
    name: str
    level: str | None = None
    parent_id: int | None = None


Successor = int | NewOrg
# ("case" | "member" | "org", id) -> position of the successor in ``into``.
Assignments = Mapping[tuple[str, int], int]
ASSIGNABLE = ("case", "member", "org")
P = ParamSpec("P")
T = TypeVar("T")


def _atomic(func: Callable[P, T]) -> Callable[P, T]:
    """A case changed by someone else meanwhile (its version moved on): the
    whole change is refused, to be tried again."""
    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return func(*args, **kwargs)
        except StaleDataError:
            db.session.rollback()
            raise VersionConflict(
                msg("Một hồ sơ vừa được người khác cập nhật; hãy thử lại")
            ) from None
    return wrapper


@_atomic


def merge(actor: Actor, sources: Sequence[int], into: Successor, on: date, note: str = "", *,
          carry_roles: bool = False, now: datetime | None = None) -> OrganisationChange:
    """Close every source into ``into`` (an existing organisation or a new one)."""
    now = now or utcnow()
    _check_date(on, now)
    closing = [_closable(actor, org_id, on) for org_id in dict.fromkeys(sources)]
    if not closing:
        raise ValidationFailed(msg("Hãy chọn ít nhất một tổ chức để sáp nhập"))
    for inner in closing:
        outer = next((o for o in closing if o is not inner and inner.path.startswith(o.path)), None)
        if outer is not None:
            raise ValidationFailed(
                msg(
                    "'{inner}' trực thuộc '{outer}': chỉ nêu tổ chức "
                    "cấp trên, các tổ chức trực thuộc đi theo nó",
                    inner=inner.name,
                    outer=outer.name,
                )
            )
    target = _successor(actor, into, on, closing)
    change, h = _start(actor, ChangeKind.MERGE, on, note, now)
    _record_created(h, into, target)
    for org in closing:
        h.record(ItemType.CLOSED, from_org=org, to_org=target)
        handover.close(h, org, target, carry_roles=carry_roles)
    return _finish(h)


@_atomic
def split(actor: Actor, source: int, into: Sequence[Successor], on: date,
          assignments: Assignments | None = None, note: str = "", *, carry_roles: bool = False,
          now: datetime | None = None) -> OrganisationChange:
    """Close ``source`` into several successors. Each open case, member and
    active child goes where ``assignments`` says (a position in ``into``);
    anything not named goes to the first successor, which is also recorded as
    the organisation's ``successor``."""
    now = now or utcnow()
    _check_date(on, now)
    org = _closable(actor, source, on)
    if len(into) < 2:
        raise ValidationFailed(msg("Chia tách cần ít nhất hai tổ chức kế thừa "
                                   "(một tổ chức kế thừa: hãy dùng sáp nhập)"))
    targets = [_successor(actor, spec, on, [org]) for spec in into]
    if len({t.id for t in targets}) != len(targets):
        raise ValidationFailed(msg("Một tổ chức kế thừa được nêu hai lần"))
    routes = _routes(assignments or {}, targets)
    change, h = _start(actor, ChangeKind.SPLIT, on, note, now)
    for spec, target in zip(into, targets, strict=True):
        _record_created(h, spec, target)
        h.record(ItemType.CLOSED, from_org=org, to_org=target)
    handover.close(h, org, targets[0], route=lambda kind, item_id: routes.get((kind, item_id)),
                   carry_roles=carry_roles)
    return _finish(h)


@_atomic
def dissolve(actor: Actor, org_id: int, on: date, successor: int | None = None, note: str = "",
             *, carry_roles: bool = False, now: datetime | None = None) -> OrganisationChange:
    """Close an organisation; its open work goes to ``successor`` (default: its parent)."""
    now = now or utcnow()
    _check_date(on, now)
    org = _closable(actor, org_id, on)
    if successor is None:
        if org.parent is None:
            raise ValidationFailed(
                msg(
                    "'{org}' không có tổ chức cấp trên: hãy chọn tổ chức nhận công việc",
                    org=org.name,
                )
            )
        successor = org.parent.id
    target = _successor(actor, successor, on, [org])
    change, h = _start(actor, ChangeKind.DISSOLVE, on, note, now)
    h.record(ItemType.CLOSED, from_org=org, to_org=target)
    handover.close(h, org, target, carry_roles=carry_roles)
    return _finish(h)


@_atomic
def move(actor: Actor, org_id: int, new_parent: int, on: date, note: str = "", *,
         now: datetime | None = None) -> OrganisationChange:
    """Put an organisation (and its subtree) under another parent from ``on``:
    re-established there; the old row stays in the old tree."""
    now = now or utcnow()
    _check_date(on, now)
    org = _closable(actor, org_id, on)
    parent = _open_org(actor, new_parent, on, [org])
    if parent.id == org.parent_id:
        raise ValidationFailed(
            msg("'{org}' đã trực thuộc '{parent}'", org=org.name, parent=parent.name)
        )
    change, h = _start(actor, ChangeKind.MOVE, on, note, now)
    handover.reestablish(h, org, parent)
    return _finish(h)


# --- checks ------------------------------------------------------------------


def get_org(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise NotFound(msg("Không có tổ chức đảng mã số {org_id}", org_id=org_id))
    return org


def require_admin(actor: Actor, org: Organisation) -> None:
    if Role.ADMIN not in actor.roles_for(org.path):
        raise PermissionDenied(msg("'{org}' nằm ngoài phạm vi quản trị của bạn", org=org.name))


def _check_date(on: date, now: datetime) -> None:
    today = local_today(now)
    if on > today:
        raise ValidationFailed(
            msg(
                "Ngày hiệu lực {on} còn ở phía trước: chỉ ghi nhận thay đổi đã có "
                "hiệu lực (hãy ghi nhận vào đúng ngày hoặc sau đó)",
                on=on.strftime("%d/%m/%Y"),
            ),
            {"field": "on"},
        )


def _closable(actor: Actor, org_id: int, on: date) -> Organisation:
    org = get_org(org_id)
    require_admin(actor, org)
    if org.valid_to is not None:
        raise ValidationFailed(
            msg(
                "'{org}' đã ngừng hoạt động từ sau ngày {valid_to}; không thể thay đổi thêm",
                org=org.name,
                valid_to=org.valid_to.strftime("%d/%m/%Y"),
            )
        )
    if org.valid_from is not None and on <= org.valid_from:
        raise ValidationFailed(
            msg(
                "Ngày hiệu lực phải sau ngày thành lập '{org}' ({valid_from})",
                org=org.name,
                valid_from=org.valid_from.strftime("%d/%m/%Y"),
            ),
            {"field": "on"},
        )
    return org


def _open_org(actor: Actor, org_id: int, on: date, closing: Sequence[Organisation]
              ) -> Organisation:
    """An existing organisation that is open on ``on`` and outside every closing subtree."""
    org = get_org(org_id)
    require_admin(actor, org)
    if org.valid_to is not None or not org.is_active_on(on):
        raise ValidationFailed(
            msg("'{org}' không hoạt động vào ngày {on}", org=org.name, on=on.strftime("%d/%m/%Y"))
        )
    for old in closing:
        if org.path.startswith(old.path):
            raise ValidationFailed(
                msg(
                    "'{org}' là '{old}' hoặc trực thuộc nó: không thể nhận công việc "
                    "của chính tổ chức đang giải thể, sáp nhập hay chia tách",
                    org=org.name,
                    old=old.name,
                )
            )
    return org


def _successor(actor: Actor, spec: Successor, on: date, closing: Sequence[Organisation]
               ) -> Organisation:
    first = closing[0]
    if isinstance(spec, NewOrg):
        parent_id = spec.parent_id if spec.parent_id is not None else first.parent_id
        # No parent: a new top-level organisation, as the top-level ones it replaces.
        parent = _open_org(actor, parent_id, on, closing) if parent_id is not None else None
        code = spec.code.strip().upper()
        if not code or people.find_organisation(code) is not None:
            raise ValidationFailed(
                msg("Mã '{code}' trống hoặc đã được dùng", code=code), {"field": "code"}
            )
        if not spec.name.strip():
            raise ValidationFailed(msg("Tên tổ chức mới là bắt buộc"), {"field": "name"})
        target = people.create_organisation(code=code, name=spec.name.strip(),
                                            level=spec.level or first.level, parent=parent,
                                            valid_from=on)
    else:
        target = _open_org(actor, spec, on, closing)
    for old in closing:
        if people.LEVEL_RANK[OrgLevel(target.level)] > people.LEVEL_RANK[OrgLevel(old.level)]:
            raise ValidationFailed(
                msg(
                    "'{target}' ({target_level}) ở cấp thấp hơn '{old}' "
                    "({old_level}): tổ chức kế thừa phải cùng cấp hoặc cấp trên",
                    target=target.name,
                    target_level=level_label(target),
                    old=old.name,
                    old_level=level_label(old),
                )
            )
    return target


def _routes(assignments: Assignments, targets: Sequence[Organisation]
            ) -> dict[tuple[str, int], Organisation]:
    routes = {}
    for (kind, item_id), position in assignments.items():
        if kind not in ASSIGNABLE:
            raise ValidationFailed(
                msg("Không phân được loại '{kind}' (chọn: case, member, org)", kind=kind)
            )
        if not 0 <= position < len(targets):
            raise ValidationFailed(
                msg(
                    "{kind} {item_id}: tổ chức kế thừa số {position} không có (có {count})",
                    kind=kind,
                    item_id=item_id,
                    position=position + 1,
                    count=len(targets),
                )
            )
        routes[(kind, item_id)] = targets[position]
    return routes


# --- bookkeeping ---------------------------------------------------------------


def _start(actor: Actor, kind: ChangeKind, on: date, note: str, now: datetime
           ) -> tuple[OrganisationChange, Handover]:
    change = OrganisationChange(kind=kind.value, effective_on=on, note=note.strip(),
                                actor_id=actor.user_id, actor_label=actor.label[:255],
                                created_at=now)
    db.session.add(change)
    db.session.flush()  # its id goes into the cases' audit events
    return change, Handover(change, actor, on, now)


def _record_created(h: Handover, spec: Successor, target: Organisation) -> None:
    if isinstance(spec, NewOrg):
        h.record(ItemType.CREATED, to_org=target)


def _finish(h: Handover) -> OrganisationChange:
    db.session.flush()
    for case in h.moved_cases:
        planning.replan_case(case, h.now)
    return h.change
