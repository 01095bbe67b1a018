"""The follow-up panel of the case page and its forms.

``followup_panel(case)`` (a template global) gives the case page what the
panel shows: the actions, overdue ones marked, amounts in VND, and the forms
the user may use. Each POST calls one service function, commits once and
goes back to the panel; a form with errors is shown again on its own page
(422), a stale one gets the conflict page (409).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import links
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.views.common import load_case
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import NotFound, ValidationFailed
from hgkiemtra.extensions import login_manager
from hgkiemtra.followup import recheck
from hgkiemtra.followup import service as followup
from hgkiemtra.followup.forms import ActionForm, DoneForm, RecheckForm, VersionedForm, WaiveForm
from hgkiemtra.followup.models import FollowUpAction
from hgkiemtra.followup.validation import format_vnd
from hgkiemtra.web.login import current_actor
from workflows.text import msg

bp = Blueprint("followup", __name__, template_folder=str(Path(__file__).parent / "templates"))
Page = Response | tuple[str, int]
ANCHOR = "followup"


@bp.before_request
def _require_login() -> Response | None:
    if not current_user.is_authenticated:
        response: Response = login_manager.unauthorized()
        return response
    return None


@bp.app_template_filter("vnd")
def vnd(amount: int | None) -> str:
    return format_vnd(amount)


@dataclass
class Row:
    action: FollowUpAction
    is_overdue: bool
    done_form: DoneForm | None = None
    waive_form: WaiveForm | None = None


@dataclass
class Panel:
    rows: list[Row]
    add_form: ActionForm | None
    add_refusal: str | None
    can_write: bool
    recheck_form: RecheckForm | None
    recheck_refusal: str | None
    rechecks: list[links.LinkView] = field(default_factory=list)
    kind_labels: dict[str, str] = field(default_factory=lambda: dict(followup.KIND_LABELS))

    @property
    def is_shown(self) -> bool:
        return bool(self.rows or self.add_form or self.rechecks)


@bp.app_template_global()
def followup_panel(case: Case) -> Panel:
    actor = current_actor()
    today = cases.local_today()
    writer, chair = followup.can_write(actor, case), followup.is_chair(actor, case)
    rows = [_row(actor, case, a, writer, chair, today) for a in followup.actions_of(case.id)]
    refusal = followup.add_refusal(case)
    add_form = None
    if writer and refusal is None:
        add_form = ActionForm(formdata=None, prefix="add", data={"version": case.version})
        add_form.fill_choices(case)
    re_refusal = recheck.recheck_refusal(actor, case) if rows else None
    recheck_form = (RecheckForm(formdata=None, prefix="recheck", data={"version": case.version})
                    if rows and writer and re_refusal is None else None)
    return Panel(rows, add_form, refusal, writer, recheck_form, re_refusal,
                 recheck.rechecks_of(case.id))


def _row(actor: Actor, case: Case, action: FollowUpAction, writer: bool, chair: bool,
         today: object) -> Row:
    row = Row(action, action.is_overdue(today))  # type: ignore[arg-type]
    if action.status != "open":
        return row
    prefix = f"a{action.id}"
    data = {"version": case.version}
    if writer or actor.user_id == action.owner_user_id:
        row.done_form = DoneForm(formdata=None, prefix=f"{prefix}-done", data=data)
    if chair:
        row.waive_form = WaiveForm(formdata=None, prefix=f"{prefix}-waive", data=data)
    return row


# --- adding and editing ----------------------------------------------------------


@bp.post("/cases/<int:case_id>/actions")
def add(case_id: int) -> Page:
    actor = current_actor()
    case = load_case(actor, case_id)
    form = ActionForm(prefix="add")
    form.fill_choices(case)
    if not form.validate_on_submit():
        return _form_page(case, form, "add", status=422)
    try:
        followup.add_action(actor, case.id, form.action_input(),
                            expected_version=form.version.data)
    except ValidationFailed as exc:
        return _refused(case, form, exc, "add")
    db.session.commit()
    flash(_("Đã thêm việc phải thực hiện theo kết luận."), "success")
    return _back(case)


@bp.route("/cases/<int:case_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
def edit(case_id: int, action_id: int) -> Page:
    actor = current_actor()
    case = load_case(actor, case_id)
    action = _action(actor, case, action_id)
    if request.method == "GET":
        shown = ActionForm(formdata=None, prefix="edit", data={"version": case.version})
        shown.fill_choices(case)
        shown.fill_from(action)
        return _form_page(case, shown, "edit", action=action)
    form = ActionForm(prefix="edit")
    form.fill_choices(case)
    if not form.validate_on_submit():
        return _form_page(case, form, "edit", action=action, status=422)
    try:
        followup.edit_action(actor, case.id, action.id, form.action_input(),
                             expected_version=form.version.data)
    except ValidationFailed as exc:
        return _refused(case, form, exc, "edit", action=action)
    db.session.commit()
    flash(_("Đã cập nhật việc #%(id)d.", id=action.id), "success")
    return _back(case)


# --- done, waived, re-check ---------------------------------------------------------


@bp.post("/cases/<int:case_id>/actions/<int:action_id>/done")
def done(case_id: int, action_id: int) -> Page:
    actor = current_actor()
    case = load_case(actor, case_id)
    action = _action(actor, case, action_id)
    form = DoneForm(prefix=f"a{action.id}-done")
    if not form.validate_on_submit():
        return _form_page(case, form, "done", action=action, status=422)
    try:
        followup.complete_action(actor, case.id, action.id, note=form.note.data or "",
                                 done_on=form.done_on.data, recovered_vnd=form.recovered_vnd.data,
                                 expected_version=form.version.data)
    except ValidationFailed as exc:
        return _refused(case, form, exc, "done", action=action)
    db.session.commit()
    flash(_("Đã ghi nhận việc #%(id)d hoàn thành.", id=action.id), "success")
    return _back(case)


@bp.post("/cases/<int:case_id>/actions/<int:action_id>/waive")
def waive(case_id: int, action_id: int) -> Page:
    actor = current_actor()
    case = load_case(actor, case_id)
    action = _action(actor, case, action_id)
    form = WaiveForm(prefix=f"a{action.id}-waive")
    if not form.validate_on_submit():
        return _form_page(case, form, "waive", action=action, status=422)
    try:
        followup.waive_action(actor, case.id, action.id, reason=form.reason.data or "",
                              expected_version=form.version.data)
    except ValidationFailed as exc:
        return _refused(case, form, exc, "waive", action=action)
    db.session.commit()
    flash(_("Đã miễn thực hiện việc #%(id)d.", id=action.id), "success")
    return _back(case)


@bp.post("/cases/<int:case_id>/recheck")
def open_recheck(case_id: int) -> Page:
    actor = current_actor()
    case = load_case(actor, case_id)
    form = RecheckForm(prefix="recheck")
    if not form.validate_on_submit():
        return _form_page(case, form, "recheck", status=422)
    try:
        child = recheck.open_recheck(actor, case.id, note=form.note.data or "",
                                     expected_version=form.version.data)
    except ValidationFailed as exc:
        return _refused(case, form, exc, "recheck")
    db.session.commit()
    flash(_("Đã mở hồ sơ kiểm tra việc thực hiện kết luận %(ref)s.", ref=child.reference),
          "success")
    return redirect(url_for("cases.show", case_id=child.id))


# --- helpers ---------------------------------------------------------------------


def _action(actor: Actor, case: Case, action_id: int) -> FollowUpAction:
    if action_id > 2**31 - 1:
        raise NotFound(msg("Không tìm thấy việc {action_id}", action_id=action_id))
    return followup.get_action(actor, case.id, action_id)


def _back(case: Case) -> Response:
    return redirect(url_for("cases.show", case_id=case.id, _anchor=ANCHOR))


def _refused(case: Case, form: VersionedForm, exc: ValidationFailed, mode: str,
             action: FollowUpAction | None = None) -> Page:
    """Show the service's refusal on the field it names, or above the form."""
    db.session.rollback()
    name = exc.details.get("field") if isinstance(exc.details, dict) else None
    target = {"done_note": "note", "waived_reason": "reason"}.get(name or "", name)
    if target and target in form:
        form[target].errors = [*form[target].errors, exc.message]
    else:
        form.form_errors.append(exc.message)
    return _form_page(case, form, mode, action=action, status=422)


def _form_page(case: Case, form: VersionedForm, mode: str, *,
               action: FollowUpAction | None = None, status: int = 200) -> tuple[str, int]:
    if isinstance(form, ActionForm) and not form.kind.choices:
        form.fill_choices(case)
    page = render_template("followup/form_page.html", case=case, form=form, mode=mode,
                           action=action, kind_labels=followup.KIND_LABELS)
    return page, status
