"""Who may administer what.

An admin role covers an organisation and its subtree: there the holder may
create organisations and users and grant or revoke roles. Settings that are
the same for everyone — calendar overrides, reminder policy, the outbox and
the mail sink — belong to *site* admins: those holding the admin role over a
top-level organisation.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import PermissionDenied
from hgkiemtra.people.models import Organisation, RoleAssignment, User
from workflows.engine import Role
from workflows.text import msg


def admin_roots(actor: Actor) -> list[str]:
    """The subtree roots of the actor's admin roles (smallest covering set)."""
    paths = sorted({path for role, path in actor.scopes if role is Role.ADMIN}, key=len)
    roots: list[str] = []
    for path in paths:
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return roots


def is_admin(actor: Actor) -> bool:
    return bool(admin_roots(actor))


def is_site_admin(actor: Actor) -> bool:
    """An admin of a top-level organisation ('/<id>/')."""
    return any(path.count("/") == 2 for path in admin_roots(actor))


def require_admin(actor: Actor) -> None:
    if not is_admin(actor):
        raise PermissionDenied(msg("Chỉ quản trị viên được dùng trang quản trị"))


def require_site_admin(actor: Actor) -> None:
    if not is_site_admin(actor):
        raise PermissionDenied(
            msg("Chỉ quản trị viên cấp cao nhất được sửa thiết lập chung của hệ thống"))


def covers(actor: Actor, org: Organisation) -> bool:
    return any(org.path.startswith(root) for root in admin_roots(actor))


def require_covers(actor: Actor, org: Organisation) -> None:
    if not covers(actor, org):
        raise PermissionDenied(msg("'{org}' nằm ngoài phạm vi quản trị của bạn", org=org.name))


def _in_roots(roots: list[str]) -> sa.ColumnElement[bool]:
    return sa.or_(*(Organisation.path.startswith(root, autoescape=True) for root in roots))


def orgs_in_scope(actor: Actor, active_on: date | None = None) -> list[Organisation]:
    """Every organisation the actor administers, in tree order."""
    roots = admin_roots(actor)
    if not roots:
        return []
    orgs = db.session.scalars(
        sa.select(Organisation).where(_in_roots(roots)).order_by(Organisation.path))
    return [o for o in orgs if active_on is None or o.is_active_on(active_on)]


def users_query(actor: Actor) -> sa.Select[tuple[User]]:
    """Users holding a role inside the actor's subtrees, or no role at all."""
    roots = admin_roots(actor)
    if not roots:
        return sa.select(User).where(sa.false())
    has_role_here = (
        sa.select(RoleAssignment.id)
        .join(Organisation, Organisation.id == RoleAssignment.org_id)
        .where(RoleAssignment.user_id == User.id, _in_roots(roots))
        .exists()
    )
    has_no_role = ~sa.select(RoleAssignment.id).where(RoleAssignment.user_id == User.id).exists()
    return sa.select(User).where(sa.or_(has_role_here, has_no_role))


def can_see_user(actor: Actor, user: User) -> bool:
    return not user.roles or any(covers(actor, a.organisation) for a in user.roles)


def can_manage_user(actor: Actor, user: User) -> bool:
    """Lock or unlock: every role the user holds lies in the actor's subtrees."""
    return all(covers(actor, a.organisation) for a in user.roles)
