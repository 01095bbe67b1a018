"""The organisation tree (today's, or as it was on a date), and a new
organisation under a parent. Merging, splitting and dissolving are in
``org_changes``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

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
from hgkiemtra.people import org_history
from hgkiemtra.people.models import Organisation, OrgLevel
from hgkiemtra.people.service import LEVEL_RANK
from hgkiemtra.web.forms import options
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


def build_tree(orgs: list[Organisation], day: date | None = None) -> list[Node]:
    today = day or local_today()
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
    parent = next((o for o in orgs_in_scope(current_actor()) if o.id == form.parent_id.data), None)
    allowed = allowed_levels(parent)
    if parent is not None and form.level.data not in [level.value for level in allowed]:
        form.level.errors.append(_(
            "Tổ chức cấp “%(level)s” không thể trực thuộc “%(parent)s” (%(parent_level)s). "
            "Chọn: %(allowed)s.", level=ORG_LEVEL_LABELS[OrgLevel(form.level.data)],
            parent=parent.name, parent_level=ORG_LEVEL_LABELS[OrgLevel(parent.level)],
            allowed=", ".join(str(ORG_LEVEL_LABELS[lv]) for lv in allowed)))
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


def allowed_levels(parent: Organisation | None) -> list[OrgLevel]:
    """The levels that may sit directly under ``parent`` (strictly lower)."""
    if parent is None:
        return list(OrgLevel)
    rank = LEVEL_RANK[OrgLevel(parent.level)]
    return [level for level in OrgLevel if LEVEL_RANK[level] > rank]


def follow_parent(form: OrganisationForm, orgs: list[Organisation]) -> None:
    """Offer only the levels the chosen parent allows; default to the next one down."""
    chosen = form.parent_id.data
    if chosen is None and form.parent_id.choices:
        chosen = list(form.parent_id.choices)[0][0]  # what the browser shows selected
    parent = next((o for o in orgs if o.id == chosen), None)
    allowed = allowed_levels(parent)
    form.level.choices = options((level.value, ORG_LEVEL_LABELS[level]) for level in allowed)
    if form.level.data not in [level.value for level in allowed] and allowed:
        form.level.data = allowed[0].value
    form.parent_id.render_kw = {
        "hx-get": url_for("admin.organisation_levels"), "hx-trigger": "change",
        "hx-target": "#level-field", "hx-swap": "outerHTML"}


@bp.get("/organisations/levels")
def organisation_levels() -> str:
    """The level field for the parent just chosen (htmx swaps it in)."""
    form = OrganisationForm(formdata=None, parent_id=request.args.get("parent_id", type=int))
    follow_parent(form, _fill(form))
    return render_template("admin/_org_level_field.html", form=form)


def _tree_day() -> date | None:
    raw = request.args.get("on", "")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _page(form: OrganisationForm) -> str:
    orgs = _fill(form)
    follow_parent(form, orgs)
    day = _tree_day()
    shown = org_history.tree_on(orgs, day) if day else orgs
    return render_template(
        "admin/organisations.html", tree=build_tree(shown, day), form=form,
        level_labels={k.value: v for k, v in ORG_LEVEL_LABELS.items()},
        open_depth=OPEN_DEPTH, total=len(shown), day=day,
        bad_day=bool(request.args.get("on")) and day is None,
        endings=org_history.endings([o.id for o in shown if o.valid_to is not None]))
