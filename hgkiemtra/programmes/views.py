"""The programme pages: the list by organisation and year, a programme with its
items (add, remove, approve, open now) and the targets with their progress.

Views are thin: read the form, call one service function, commit once, then
redirect (or re-render the form with its errors).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hgkiemtra.cases.service import local_today
from hgkiemtra.cases.views.common import org_choices, orgs_in_scope
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError
from hgkiemtra.extensions import login_manager
from hgkiemtra.people import queries as people
from hgkiemtra.people.models import Organisation
from hgkiemtra.programmes import opening, progress
from hgkiemtra.programmes import service as programmes
from hgkiemtra.programmes.forms import (
    ITEM_STATUS_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    ItemForm,
    ItemStartForm,
    ProgrammeForm,
    TargetForm,
)
from hgkiemtra.programmes.models import PLANNED_KINDS, Programme
from hgkiemtra.web.forms import PostOnlyForm, options
from hgkiemtra.web.i18n import translate
from hgkiemtra.web.login import current_actor
from workflows import registry

bp = Blueprint("programmes", __name__,
               template_folder=str(Path(__file__).parent / "templates"))
Page = Response | tuple[str, int] | str


@bp.before_request
def _require_login() -> Response | None:
    if not current_user.is_authenticated:
        response: Response = login_manager.unauthorized()
        return response
    return None


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"kind_label": lambda k: KIND_LABELS[k], "status_label": lambda s: STATUS_LABELS[s],
            "item_status_label": lambda s: ITEM_STATUS_LABELS[s],
            "case_kind_label": lambda k: translate(registry.for_kind(k).title),
            "item_status": progress.item_status}


def _year() -> int:
    year = request.args.get("year", local_today().year, type=int)
    return min(max(year, 2000), 2100)


def _writable_orgs(check: Any) -> list[tuple[int, str]]:
    actor = current_actor()
    active = orgs_in_scope(actor, active_on=local_today())
    return org_choices(actor, orgs=[o for o in active if check(actor, o)])


def _fail(form: Any, exc: DomainError) -> None:
    db.session.rollback()
    field = getattr(form, str((exc.details or {}).get("field", "")), None) \
        if isinstance(exc.details, dict) else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


# --- the list ------------------------------------------------------------------------------

@bp.route("/programmes", methods=["GET", "POST"])
def programme_list() -> Page:
    actor = current_actor()
    year = _year()
    orgs = _writable_orgs(programmes.can_write)
    form = ProgrammeForm() if request.method == "POST" else ProgrammeForm(
        formdata=None, data={"year": year})
    form.org_id.choices = options(orgs)
    if request.method == "POST" and orgs and form.validate_on_submit():
        try:
            created = programmes.create_programme(
                actor, org_id=int(form.org_id.data), year=form.year.data, kind=form.kind.data,
                title=form.title.data or "")
        except DomainError as exc:
            _fail(form, exc)
        else:
            db.session.commit()
            flash(_("Đã lập dự thảo chương trình."), "success")
            return redirect(url_for("programmes.show", programme_id=created.id))
    found = progress.programme_progress(programmes.list_programmes(actor, year=year))
    status = 422 if request.method == "POST" else 200
    return render_template("programmes/list.html", rows=found, year=year, form=form,
                           can_create=bool(orgs)), status


# --- one programme -------------------------------------------------------------------------

@bp.get("/programmes/<int:programme_id>")
def show(programme_id: int) -> str:
    actor = current_actor()
    programme = programmes.get_programme(actor, programme_id)
    return _programme_page(programme)


def _programme_page(programme: Programme) -> str:
    actor = current_actor()
    org = programme.organisation
    return render_template(
        "programmes/programme.html", programme=programme,
        found=progress.programme_progress([programme])[0], post_form=PostOnlyForm(),
        can_write=programmes.can_write(actor, org),
        can_amend=programmes.is_chair_of(actor, org) if programme.is_approved
        else programmes.can_write(actor, org),
        can_approve=programmes.is_chair_of(actor, org) and not programme.is_approved,
    )


@bp.post("/programmes/<int:programme_id>/approve")
def approve(programme_id: int) -> Response:
    return _post_action(programme_id, lambda: programmes.approve_programme(
        current_actor(), programme_id), _("Đã phê duyệt chương trình."))


@bp.post("/programmes/<int:programme_id>/items/<int:item_id>/open")
def open_item(programme_id: int, item_id: int) -> Response:
    return _post_action(programme_id, lambda: opening.open_item_now(
        current_actor(), programme_id, item_id), _("Đã mở hồ sơ theo chương trình."))


@bp.post("/programmes/<int:programme_id>/items/<int:item_id>/remove")
def remove_item(programme_id: int, item_id: int) -> Response:
    return _post_action(programme_id, lambda: programmes.remove_item(
        current_actor(), programme_id, item_id), _("Đã xóa mục khỏi chương trình."))


def _post_action(programme_id: int, action: Any, done: str) -> Response:
    programmes.get_programme(current_actor(), programme_id)  # 404 before anything else
    if PostOnlyForm().validate_on_submit():
        try:
            action()
        except DomainError as exc:
            db.session.rollback()
            flash(translate(exc.message), "error")  # the session keeps text, not a Msg
        else:
            db.session.commit()
            flash(done, "success")
    else:
        flash(_("Phiên làm việc đã hết hạn; hãy thử lại."), "error")
    return redirect(url_for("programmes.show", programme_id=programme_id))


# --- adding an item ------------------------------------------------------------------------

@bp.route("/programmes/<int:programme_id>/items/new", methods=["GET", "POST"])
def new_item(programme_id: int) -> Page:
    actor = current_actor()
    programme = programmes.get_programme(actor, programme_id)
    source = request.form if request.method == "POST" else request.args
    start = ItemStartForm(source)
    kinds = PLANNED_KINDS[programme.kind]
    start.case_kind.choices = options((k, translate(registry.for_kind(k).title)) for k in kinds)
    searched = bool(source) and start.validate()
    form = ItemForm() if request.method == "POST" else ItemForm(formdata=None, data={
        "case_kind": start.case_kind.data, "subject_type": start.subject_type.data})
    org = programme.organisation
    form.subject_id.choices = options(_subjects(org, start)) if searched else []
    form.responsible_user_id.choices = options(
        (u.id, u.full_name) for u in programmes.responsible_candidates(org))
    if request.method == "POST" and form.validate_on_submit():
        try:
            programmes.add_item(
                actor, programme.id, case_kind=form.case_kind.data or "",
                subject_type=form.subject_type.data or "", subject_id=int(form.subject_id.data),
                content=form.content.data or "", quarter=int(form.quarter.data),
                responsible_user_id=int(form.responsible_user_id.data))
        except (DomainError, ValueError) as exc:
            if isinstance(exc, DomainError):
                _fail(form, exc)
            else:
                form.form_errors.append(_("Giá trị không hợp lệ."))
        else:
            db.session.commit()
            flash(_("Đã thêm mục vào chương trình."), "success")
            return redirect(url_for("programmes.show", programme_id=programme.id))
    status = 422 if request.method == "POST" else 200
    return render_template("programmes/item_new.html", programme=programme, start=start,
                           form=form, searched=searched), status


def _subjects(org: Organisation, start: ItemStartForm) -> list[tuple[int, str]]:
    q = start.subject_q.data or ""
    if start.subject_type.data == "organisation":
        return [(o.id, o.name) for o in people.organisations_below(org, q)]
    return [(m.id, f"{m.full_name} — {m.organisation.name}")
            for m in people.members_below(org, q)]


# --- targets -------------------------------------------------------------------------------

@bp.route("/programmes/targets", methods=["GET", "POST"])
def targets() -> Page:
    actor = current_actor()
    year = _year()
    orgs = _writable_orgs(programmes.can_set_target)
    form = TargetForm() if request.method == "POST" else TargetForm(
        formdata=None, data={"year": year})
    form.org_id.choices = options(orgs)
    if request.method == "POST" and orgs and form.validate_on_submit():
        try:
            saved = programmes.set_target(
                actor, org_id=int(form.org_id.data), year=form.year.data,
                supervised_share=form.supervised_share.data,
                inspected_share=form.inspected_share.data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            db.session.commit()
            flash(_("Đã lưu chỉ tiêu năm %(y)s của %(org)s.", y=saved.year,
                    org=saved.organisation.name), "success")
            return redirect(url_for("programmes.targets", year=saved.year))
    rows = progress.targets_progress(programmes.list_targets(actor, year=year))
    status = 422 if request.method == "POST" else 200
    return render_template("programmes/targets.html", rows=rows, year=year, form=form,
                           can_set=bool(orgs)), status
