"""Organisations, members and users: creating them and keeping the tree's paths."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa

from hgkiemtra.auth.passwords import hash_password
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import NotFound, ValidationFailed
from hgkiemtra.core.text import search_key
from hgkiemtra.people.models import Member, Organisation, OrgLevel, RoleAssignment, User
from workflows.engine import Role
from workflows.text import msg

# A child sits strictly below its parent in this order.
LEVEL_RANK = {OrgLevel.PROVINCE: 0, OrgLevel.DISTRICT: 1, OrgLevel.GRASSROOTS: 2, OrgLevel.CELL: 3}


def create_organisation(
    *,
    code: str,
    name: str,
    level: str,
    parent: Organisation | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Organisation:
    try:
        org_level = OrgLevel(level)
    except ValueError:
        raise ValidationFailed(msg("Cấp tổ chức không hợp lệ: {level}", level=level)) from None
    if parent is not None and LEVEL_RANK[OrgLevel(parent.level)] >= LEVEL_RANK[org_level]:
        raise ValidationFailed(
            msg(
                "'{name}' ({level}) không thể trực thuộc '{parent}'",
                name=name,
                level=level,
                parent=parent.name,
            )
        )
    org = Organisation(
        code=code, name=name, level=org_level.value, parent=parent,
        valid_from=valid_from, valid_to=valid_to, path="",
    )
    db.session.add(org)
    db.session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    db.session.flush()
    return org


def index_member(member: Member) -> None:
    member.search_name = search_key(member.full_name)


def find_organisation(ref: str) -> Organisation | None:
    """By numeric id or by code."""
    if ref.isdigit():
        return db.session.get(Organisation, int(ref))
    return db.session.execute(
        sa.select(Organisation).where(Organisation.code == ref)
    ).scalar_one_or_none()


def find_user(email: str) -> User | None:
    return db.session.execute(
        sa.select(User).where(sa.func.lower(User.email) == email.strip().lower())
    ).scalar_one_or_none()


def create_user(
    *,
    email: str,
    full_name: str,
    password: str | None,
    roles: Sequence[tuple[str, int]] = (),
    locale: str = "vi",
) -> User:
    email = email.strip().lower()
    if "@" not in email or len(email) > 255:
        raise ValidationFailed(msg("Địa chỉ email không hợp lệ: {email}", email=repr(email)))
    if find_user(email) is not None:
        raise ValidationFailed(msg("Đã có người dùng {email}", email=email))
    user = User(
        email=email,
        full_name=full_name.strip() or email,
        password_hash=hash_password(password, (email,)) if password else None,
        locale=locale,
    )
    db.session.add(user)
    for role, org_id in roles:
        grant_role(user, role, org_id)
    db.session.flush()
    return user


def grant_role(user: User, role: str, org_id: int) -> RoleAssignment:
    try:
        Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise ValidationFailed(
            msg("Vai trò không hợp lệ: {role} (chọn: {known})", role=role, known=known)
        ) from None
    if db.session.get(Organisation, org_id) is None:
        raise ValidationFailed(msg("Không có tổ chức đảng mã số {org_id}", org_id=org_id))
    if any(a.role == role and a.org_id == org_id for a in user.roles):
        raise ValidationFailed(msg("Người dùng đã có vai trò này ở tổ chức này"))
    assignment = RoleAssignment(role=role, org_id=org_id)
    user.roles.append(assignment)
    return assignment


def revoke_role(user: User, assignment_id: int) -> RoleAssignment:
    """Take one role assignment away from ``user``. Flushes."""
    assignment = next((a for a in user.roles if a.id == assignment_id), None)
    if assignment is None:
        raise NotFound(
            msg("Người dùng không có phân quyền mã số {assignment_id}", assignment_id=assignment_id)
        )
    user.roles.remove(assignment)
    db.session.flush()
    return assignment


def set_active(user: User, is_active: bool) -> User:
    """Lock or unlock an account; locking also ends its sessions. Flushes."""
    if user.is_active and not is_active:
        user.session_version += 1
    user.is_active = is_active
    db.session.flush()
    return user
