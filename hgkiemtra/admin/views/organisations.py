"""The organisation tree, and a new organisation under a parent."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hgkiemtra.admin import service
from hgkiemtra.admin.access import orgs_in_scope
from hgkiemtra.admin.forms import ORG_LEVEL_LABELS, OrganisationForm
from hgkiemtra.admin.views import bp
from hgkiemtra.cases.service import local_today
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import ValidationFailed
from hgkiemtra.people.models import Organisation, OrgLevel
from hgkiemtra.web.login import current_actor

OPEN_DEPTH = 2  # levels shown unfolded


@dataclass
class Node:
    org: Organisation
    depth: int
    is_active: bool
    children: list[Node] = field(default_factory=list)

    @property
    def size(self) -> int:
        return 1 + sum(child.size for child in self.children)


def build_tree(orgs: list[Organisation]) -> list[Node]:
    today = local_today()
    nodes = {o.id: Node(o, 0, o.is_active_on(today)) for o in orgs}
    roots: list[Node] = []
    for org in orgs:  # in path order: parents come first
        node = nodes[org.id]
        parent = nodes.get(org.parent_id) if org.parent_id else None
        if parent is None:
            roots.append(node)
        else:
            node.depth = parent.depth + 1
            parent.children.append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: (not n.is_active, n.org.name))
    return roots


@bp.get("/organisations")
def organisations() -> str:
    form = OrganisationForm(formdata=None, parent_id=request.args.get("parent", type=int))
    return _page(form)


@bp.post("/organisations")
def create_organisation() -> Response | tuple[str, int]:
    form = OrganisationForm()
    _fill(form)
    if not form.validate_on_submit():
        return _page(form), 422
    try:
        org = service.create_organisation(
            current_actor(), parent_id=form.parent_id.data, code=form.code.data or "",
            name=form.name.data or "", level=form.level.data or "",
            valid_from=form.valid_from.data)
    except ValidationFailed as exc:
        db.session.rollback()
        target = form.code if (exc.details or {}).get("field") == "code" else None
        (target.errors.append if target else form.form_errors.append)(exc.message)
        return _page(form), 422
    db.session.commit()
    flash(_("Đã thêm tổ chức “%(name)s”.", name=org.name), "success")
    return redirect(url_for("admin.organisations", _anchor=f"org-{org.id}"))


def _fill(form: OrganisationForm) -> list[Organisation]:
    orgs = orgs_in_scope(current_actor())
    active = [o for o in orgs if o.is_active_on(local_today()) and o.level != OrgLevel.CELL]
    top = min((o.path.count("/") for o in active), default=2)
    form.parent_id.choices = [(o.id, "\u2003" * (o.path.count("/") - top) + o.name)
                              for o in active]
    return orgs


def _page(form: OrganisationForm) -> str:
    orgs = _fill(form)
    return render_template("admin/organisations.html", tree=build_tree(orgs), form=form,
                           level_labels={k.value: v for k, v in ORG_LEVEL_LABELS.items()},
                           open_depth=OPEN_DEPTH, total=len(orgs))
