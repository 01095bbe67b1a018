"""Helpers the case views share: loading a case, choices, URLs."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app, request, url_for

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.queries import INT32_MAX
from hgkiemtra.cases.views import bp
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import NotFound
from hgkiemtra.people.models import Organisation
from workflows import registry
from workflows.engine import PHASE_LABELS_VI, PHASE_ORDER, Role
from workflows.text import msg

WRITER_ROLES = frozenset({Role.INSPECTOR, Role.MEMBER, Role.CHAIR})


def load_case(actor: Actor, case_id: int) -> Case:
    """The case, or NotFound (also when it lies outside the actor's scope)."""
    if case_id > INT32_MAX:
        raise NotFound(msg("Không tìm thấy hồ sơ {case_id}", case_id=case_id))
    return cases.get_case(actor, case_id)


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, registry.for_kind(kind).title) for kind in registry.kinds()]


def phase_choices() -> list[tuple[str, str]]:
    return [(p.value, PHASE_LABELS_VI[p]) for p in PHASE_ORDER]


def state_choices() -> list[tuple[str, str]]:
    """Every state of every workflow, once, in workflow order."""
    seen: dict[str, str] = {}
    for definition in registry.all_definitions():
        for state in definition.states:
            seen.setdefault(state.name, state.label)
    return list(seen.items())


def orgs_in_scope(actor: Actor, active_on: date | None = None) -> list[Organisation]:
    """Organisations in scope (active on ``active_on`` when given), subtrees together."""
    orgs = db.session.execute(
        sa.select(Organisation)
        .where(actor.visible_org_filter(Organisation.id))
        .order_by(Organisation.path)
    ).scalars()
    return [o for o in orgs if active_on is None or o.is_active_on(active_on)]


def org_choices(
    actor: Actor, active_on: date | None = None, orgs: list[Organisation] | None = None
) -> list[tuple[int, str]]:
    """(id, name indented by depth) for a select box."""
    if orgs is None and active_on is None:
        # Three columns, not 1,111 Organisation objects: the case list's filter.
        rows = db.session.execute(
            sa.select(Organisation.id, Organisation.name, Organisation.path)
            .where(actor.visible_org_filter(Organisation.id))
            .order_by(Organisation.path)
        ).all()
    else:
        found = orgs_in_scope(actor, active_on) if orgs is None else orgs
        rows = [(o.id, o.name, o.path) for o in found]
    top = min((path.count("/") for _, _, path in rows), default=2)
    return [(org_id, "\u2003" * (path.count("/") - top) + name) for org_id, name, path in rows]


def can_write(actor: Actor, case: Case) -> bool:
    return bool(actor.roles_for(case.organisation.path) & WRITER_ROLES)


def max_upload_bytes() -> int:
    return int(current_app.config["MAX_CONTENT_LENGTH"])


@bp.app_template_global()
def url_with(**changes: Any) -> str:
    """This page's URL with some query parameters replaced (None removes one)."""
    args = {k: v for k, v in request.args.items() if k not in changes}
    args.update({k: v for k, v in changes.items() if v is not None and v != ""})
    return url_for(request.endpoint or "cases.case_list", **(request.view_args or {}), **args)
