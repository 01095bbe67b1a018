"""Merging, splitting and dissolving an organisation: one page per kind,
showing what will move, with a confirmation box. The view reads the form,
calls ``people.changes`` once and commits."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hgkiemtra.admin import service
from hgkiemtra.admin.access import orgs_in_scope
from hgkiemtra.admin.org_change_forms import (
    SPLIT_ROWS,
    ChangeForm,
    DissolveForm,
    MergeForm,
    SplitForm,
)
from hgkiemtra.admin.views import bp
from hgkiemtra.cases.service import local_today
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError
from hgkiemtra.people import changes, handover
from hgkiemtra.people.change_models import OrganisationChange
from hgkiemtra.people.models import Organisation
from hgkiemtra.web.login import current_actor

FORMS: dict[str, type[ChangeForm]] = {
    "merge": MergeForm, "split": SplitForm, "dissolve": DissolveForm}
NONE = 0  # the "no organisation chosen" option of a select


@bp.route("/organisations/<int:org_id>/<string:kind>", methods=["GET", "POST"])
def organisation_change(org_id: int, kind: str) -> Response | str | tuple[str, int]:
    """``kind``: merge, split or dissolve."""
    actor = current_actor()
    if kind not in FORMS:
        abort(404)
    try:
        org = service.get_org(actor, org_id)
    except DomainError:
        abort(404)
    form = FORMS[kind]() if request.method == "POST" else FORMS[kind](formdata=None)
    _choices(form, org)
    if request.method == "GET":
        return _page(form, org, kind)
    if form.validate_on_submit():
        try:
            change = _apply(kind, form, org)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Đã ghi nhận thay đổi tổ chức (số %(id)d).", id=change.id), "success")
            return redirect(url_for("admin.organisations", _anchor=f"org-{org_id}"))
    return _page(form, db.session.get(Organisation, org_id) or org, kind), 422


def _open_choices(org: Organisation) -> list[tuple[int, str]]:
    """Active organisations in the admin's scope, outside ``org``'s own subtree."""
    today = local_today()
    return [(o.id, f"{o.name} ({o.code})") for o in orgs_in_scope(current_actor())
            if o.valid_to is None and o.is_active_on(today) and not o.path.startswith(org.path)]


def _choices(form: ChangeForm, org: Organisation) -> None:
    others = _open_choices(org)
    if isinstance(form, MergeForm):
        form.target_id.choices = [(NONE, _("— tổ chức mới (điền bên dưới) —")), *others]
        form.new_parent_id.choices = [(NONE, _("— như tổ chức được sáp nhập —")), *others]
        form.others.choices = [(o.id, f"{o.name} ({o.code})") for o in orgs_in_scope(
            current_actor()) if o.valid_to is None and o.id != org.id
            and not o.path.startswith(org.path) and not org.path.startswith(o.path)]
    elif isinstance(form, DissolveForm):
        form.successor_id.choices = [(NONE, _("— tổ chức cấp trên —")), *others]
    else:
        for n in range(1, SPLIT_ROWS + 1):
            getattr(form, f"succ{n}_id").choices = [(NONE, _("— tổ chức mới —")), *others]


def _apply(kind: str, form: Any, org: Organisation) -> OrganisationChange:
    actor, on, note = current_actor(), form.on.data, form.note.data or ""
    carry = bool(form.carry_roles.data)
    if kind == "merge":
        target: changes.Successor = form.target_id.data or changes.NewOrg(
            form.new_code.data or "", form.new_name.data or "", None,
            form.new_parent_id.data or None)
        return changes.merge(actor, [org.id, *(form.others.data or [])], target, on, note,
                             carry_roles=carry)
    if kind == "dissolve":
        return changes.dissolve(actor, org.id, on, form.successor_id.data or None, note,
                                carry_roles=carry)
    return changes.split(actor, org.id, _successors(form), on, _assignments(), note,
                         carry_roles=carry)


def _successors(form: Any) -> list[changes.Successor]:
    found: list[changes.Successor] = []
    for n in range(1, SPLIT_ROWS + 1):
        existing = getattr(form, f"succ{n}_id").data
        code, name = getattr(form, f"succ{n}_code").data, getattr(form, f"succ{n}_name").data
        if existing:
            found.append(existing)
        elif code or name:
            found.append(changes.NewOrg(code or "", name or ""))
    return found


def _assignments() -> dict[tuple[str, int], int]:
    """``assign-<case|member|org>-<id>`` = the successor's row number (1-based)."""
    found = {}
    for key, value in request.form.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "assign" and parts[2].isdigit() and value.isdigit():
            found[(parts[1], int(parts[2]))] = int(value) - 1
    return found


def _page(form: ChangeForm, org: Organisation, kind: str) -> str:
    sources = [org]
    if isinstance(form, MergeForm) and form.others.data:
        sources += [o for o in (db.session.get(Organisation, i) for i in form.others.data)
                    if o is not None]
    today = local_today()
    work = [(o, handover.open_cases(o), handover.members_of(o),
             [c for c in o.children if c.valid_to is None or c.valid_to >= today])
            for o in sources]
    return render_template("admin/org_change.html", form=form, org=org, kind=kind,
                           work=work, rows=range(1, SPLIT_ROWS + 1))
