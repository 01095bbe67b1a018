"""Admin operations: the people service, behind the admin's scope and the
rules that keep an administrator from locking themselves out. Each function
flushes; the view commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from hgkiemtra.admin.access import can_manage_user, can_see_user, require_covers
from hgkiemtra.auth.passwords import password_problems, problem_message
from hgkiemtra.auth.permissions import Actor
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed
from hgkiemtra.people import service as people
from hgkiemtra.people.models import Organisation, RoleAssignment, User
from workflows.engine import Role
from workflows.text import msg


def get_org(actor: Actor, org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise NotFound(msg("Không có tổ chức đảng mã số {org_id}", org_id=org_id))
    require_covers(actor, org)
    return org


def get_user(actor: Actor, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not can_see_user(actor, user):
        raise NotFound(msg("Không có người dùng mã số {user_id}", user_id=user_id))
    return user


def create_organisation(actor: Actor, *, parent_id: int, code: str, name: str, level: str,
                        valid_from: date | None = None) -> Organisation:
    parent = get_org(actor, parent_id)
    code = code.strip().upper()
    if people.find_organisation(code) is not None:
        raise ValidationFailed(msg("Mã '{code}' đã được dùng", code=code), {"field": "code"})
    return people.create_organisation(code=code, name=name.strip(), level=level,
                                      parent=parent, valid_from=valid_from)


def create_user(actor: Actor, *, email: str, full_name: str, password: str,
                roles: Sequence[tuple[str, int]], locale: str = "vi") -> User:
    if not roles:
        raise ValidationFailed(msg("Cần ít nhất một vai trò"), {"field": "role"})
    for _, org_id in roles:
        get_org(actor, org_id)
    problems = password_problems(password, (email,))
    if problems:
        raise ValidationFailed(problem_message(problems[0]), {"field": "password"})
    return people.create_user(email=email, full_name=full_name, password=password,
                              roles=roles, locale=locale)


def grant_role(actor: Actor, user: User, role: str, org_id: int) -> RoleAssignment:
    get_org(actor, org_id)
    if not can_see_user(actor, user):
        raise NotFound(msg("Không có người dùng mã số {user_id}", user_id=user.id))
    assignment = people.grant_role(user, role, org_id)
    db.session.flush()
    return assignment


def revoke_role(actor: Actor, user: User, assignment_id: int) -> RoleAssignment:
    assignment = next((a for a in user.roles if a.id == assignment_id), None)
    if assignment is None:
        raise NotFound(
            msg("Người dùng không có phân quyền mã số {assignment_id}", assignment_id=assignment_id)
        )
    require_covers(actor, assignment.organisation)
    admin_roles = [a for a in user.roles if a.role == Role.ADMIN.value]
    if user.id == actor.user_id and assignment.role == Role.ADMIN.value and len(admin_roles) == 1:
        raise ValidationFailed(
            msg("Bạn không thể tự thu hồi vai trò quản trị cuối cùng của mình; "
                "hãy nhờ một quản trị viên khác"))
    return people.revoke_role(user, assignment_id)


def set_active(actor: Actor, user: User, is_active: bool) -> User:
    if user.id == actor.user_id and not is_active:
        raise ValidationFailed(msg("Bạn không thể tự khóa tài khoản của mình"))
    if not can_manage_user(actor, user):
        raise PermissionDenied(
            msg("Người dùng này có vai trò ngoài phạm vi quản trị của bạn; "
                "hãy nhờ quản trị viên cấp trên"))
    return people.set_active(user, is_active)
