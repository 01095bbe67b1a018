"""Read-only look-ups for forms: who a case may be about, who may work it."""

from __future__ import annotations

import sqlalchemy as sa

from hgkiemtra.core.db import db
from hgkiemtra.core.text import search_key
from hgkiemtra.people.models import Member, Organisation, RoleAssignment, User
from workflows.engine import Role

STAFF_ROLES = (Role.INSPECTOR.value, Role.MEMBER.value, Role.CHAIR.value)


def members_below(org: Organisation, q: str = "", limit: int = 30) -> list[Member]:
    """Members of ``org`` and its subtree, by name (accents ignored)."""
    stmt = (
        sa.select(Member)
        .join(Organisation, Organisation.id == Member.org_id)
        .where(Organisation.path.startswith(org.path, autoescape=True))
    )
    key = search_key(q)
    if key:
        stmt = stmt.where(Member.search_name.contains(key, autoescape=True))
    return list(db.session.execute(stmt.order_by(Member.search_name, Member.id).limit(limit))
                .scalars())


def organisations_below(org: Organisation, q: str = "", limit: int = 30) -> list[Organisation]:
    """Organisations strictly below ``org`` (name match in Python: accents folded)."""
    stmt = sa.select(Organisation).where(
        Organisation.path.startswith(org.path, autoescape=True), Organisation.id != org.id
    ).order_by(Organisation.path)
    key = search_key(q)
    found = [o for o in db.session.execute(stmt).scalars() if not key or key in search_key(o.name)]
    return found[:limit]


def staff_for(org: Organisation) -> list[User]:
    """Active users holding a staff role over ``org``, above it or below it."""
    stmt = (
        sa.select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .join(Organisation, Organisation.id == RoleAssignment.org_id)
        .where(
            User.is_active.is_(True),
            RoleAssignment.role.in_(STAFF_ROLES),
            sa.or_(
                sa.literal(org.path).startswith(Organisation.path),
                Organisation.path.startswith(org.path, autoescape=True),
            ),
        )
        .order_by(User.full_name, User.id)
        .distinct()
    )
    return list(db.session.execute(stmt).scalars())
