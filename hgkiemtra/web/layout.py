"""What every page's header shows: the committee, the user's roles and scopes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask_login import current_user

from hgkiemtra.people.models import User
from workflows import registry
from workflows.engine import ROLE_LABELS_VI, Role


@dataclass(frozen=True)
class RoleLine:
    role: str
    label: str
    org_name: str


def role_lines(user: User) -> list[RoleLine]:
    return [
        RoleLine(a.role, ROLE_LABELS_VI[Role(a.role)], a.organisation.name)
        for a in sorted(user.roles, key=lambda a: (a.organisation.path, a.role))
    ]


def can_open_cases(user: User) -> bool:
    openers = set().union(*(registry.for_kind(k).opener_roles for k in registry.kinds()))
    return any(Role(a.role) in openers for a in user.roles)


def layout_context() -> dict[str, Any]:
    if not current_user.is_authenticated:
        return {"my_roles": [], "committee_of": None, "can_open_cases": False,
                "is_admin": False}
    lines = role_lines(current_user)
    return {
        "my_roles": lines,
        # The committee of the highest organisation the user works for.
        "committee_of": lines[0].org_name if lines else None,
        "can_open_cases": can_open_cases(current_user),
        "is_admin": any(a.role == Role.ADMIN.value for a in current_user.roles),
    }


def init_layout(app: Flask) -> None:
    app.context_processor(layout_context)
