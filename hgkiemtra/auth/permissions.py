"""Who may see and do what: roles held over organisation subtrees."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from hgkiemtra.people.models import Organisation, User
from workflows.engine import Role


@dataclass(frozen=True)
class Actor:
    """Whoever fires an event: a user, or the system acting for a periodic task.

    ``scopes`` pairs each role with the path of the organisation it is held
    over; a role covers that organisation and everything below it.
    """

    user_id: int | None
    label: str
    scopes: tuple[tuple[Role, str], ...]

    @classmethod
    def for_user(cls, user: User) -> Actor:
        scopes = tuple(
            (Role(assignment.role), assignment.organisation.path) for assignment in user.roles
        )
        return cls(user.id, f"{user.full_name} <{user.email}>", scopes)

    @classmethod
    def system(cls, root_paths: Iterable[str] = ("/",)) -> Actor:
        return cls(None, "Hệ thống", tuple((Role.ADMIN, p) for p in root_paths))

    def roles_for(self, org_path: str) -> frozenset[Role]:
        return frozenset(role for role, path in self.scopes if org_path.startswith(path))

    def can_see(self, org_path: str) -> bool:
        return any(org_path.startswith(path) for _, path in self.scopes)

    def scope_paths(self) -> list[str]:
        """The smallest set of subtree roots covering every scope."""
        paths = sorted({path for _, path in self.scopes}, key=len)
        roots: list[str] = []
        for path in paths:
            if not any(path.startswith(root) for root in roots):
                roots.append(path)
        return roots

    def visible_org_filter(self, column: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
        """A WHERE clause keeping rows whose organisation lies in the actor's scope."""
        roots = self.scope_paths()
        if not roots:
            return sa.false()
        if "/" in roots:
            return sa.true()
        subtree = sa.select(Organisation.id).where(
            sa.or_(*(Organisation.path.startswith(root, autoescape=True) for root in roots))
        )
        return column.in_(subtree)
