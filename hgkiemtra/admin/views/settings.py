"""Settings that hold for everyone: calendar overrides and the reminder policy
(site admins only)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from hgkiemtra.admin.forms import OverrideForm, PolicyForm
from hgkiemtra.admin.views import bp, flash_failure, site_admin_only
from hgkiemtra.cases.service import local_today
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import NotFound, ValidationFailed
from hgkiemtra.deadlines import overrides
from hgkiemtra.reminders import policy
from hgkiemtra.web.forms import PostOnlyForm
from hgkiemtra.web.login import current_actor
from workflows.reminders import DEFAULT_POLICIES, POLICY_ROLES
from workflows.text import msg

POLICY_ROLE_LABELS = {
    "leader": _l("Trưởng đoàn"),
    "member": _l("Thành viên đoàn"),
    "directing": _l("Ủy viên chỉ đạo"),
    "chair": _l("Chủ nhiệm UBKT (báo cáo khi quá hạn)"),
}
assert set(POLICY_ROLE_LABELS) == set(POLICY_ROLES)


# --- calendar overrides --------------------------------------------------------------------

@bp.get("/calendar")
def calendar_overrides() -> str:
    site_admin_only()
    return _calendar_page(OverrideForm(formdata=None))


def _calendar_page(form: OverrideForm) -> str:
    year = request.args.get("year", local_today().year, type=int)
    year = min(max(year, 2000), 2100)
    return render_template("admin/calendar.html", form=form, year=year,
                           rows=overrides.list_overrides(year), post_form=PostOnlyForm())


@bp.post("/calendar")
def add_calendar_override() -> Response | tuple[str, int]:
    site_admin_only()
    form = OverrideForm()
    if not form.validate_on_submit():
        return _calendar_page(form), 422
    add = overrides.add_working_day if form.kind.data == "working" else overrides.add_day_off
    try:
        row = add(form.day.data, form.reason.data or "")
    except ValidationFailed as exc:
        db.session.rollback()
        target = form.day if (exc.details or {}).get("field") == "day" else form.reason
        target.errors = [*target.errors, exc.message]
        return _calendar_page(form), 422
    db.session.commit()
    flash(_("Đã khai báo ngày %(d)s.", d=row.day.strftime("%d/%m/%Y")), "success")
    return redirect(url_for("admin.calendar_overrides", year=row.day.year))


@bp.post("/calendar/<day>/remove")
def remove_calendar_override(day: str) -> Response:
    site_admin_only()
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise NotFound(msg("Ngày không hợp lệ: {day}", day=day)) from None
    if PostOnlyForm().validate_on_submit():
        try:
            overrides.remove_override(when)
        except NotFound as exc:
            flash_failure(exc)
        else:
            db.session.commit()
            flash(_("Đã xóa khai báo ngày %(d)s.", d=when.strftime("%d/%m/%Y")), "success")
    return redirect(url_for("admin.calendar_overrides", year=when.year))


# --- reminder policy ------------------------------------------------------------------------

@bp.get("/reminders")
def reminder_policies() -> str:
    site_admin_only()
    return _policies_page({})


def _policy_form(role: str) -> PolicyForm:
    current = policy.current_policies()[role]
    return PolicyForm(formdata=None, prefix=role,
                      offsets_before=", ".join(str(n) for n in current.offsets_before),
                      on_the_day=current.on_the_day,
                      escalate_after_days=current.escalate_after_days,
                      overdue_every_days=current.overdue_every_days)


def _policies_page(forms: dict[str, PolicyForm]) -> str:
    rows = [(role, POLICY_ROLE_LABELS[role], forms.get(role) or _policy_form(role),
             DEFAULT_POLICIES[role]) for role in POLICY_ROLES]
    return render_template("admin/reminders.html", rows=rows)


@bp.post("/reminders/<role>")
def set_reminder_policy(role: str) -> Response | tuple[str, int]:
    site_admin_only()
    if role not in POLICY_ROLES:
        raise NotFound(msg("Không có chính sách nhắc hạn cho vai trò '{role}'", role=role))
    form = PolicyForm(prefix=role)
    if not form.validate_on_submit():
        return _policies_page({role: form}), 422
    try:
        policy.set_policy(current_actor(), role, offsets_before=form.offsets(),
                          on_the_day=bool(form.on_the_day.data),
                          overdue_every_days=form.overdue_every_days.data,
                          escalate_after_days=form.escalate_after_days.data)
    except ValidationFailed as exc:
        db.session.rollback()
        reasons = (exc.details or {}).get("reasons", []) if isinstance(exc.details, dict) else []
        form.form_errors.extend([exc.message, *reasons])
        return _policies_page({role: form}), 422
    db.session.commit()
    flash(_("Đã lưu chính sách nhắc hạn; lịch nhắc của các thời hạn đang mở đã được lập lại."),
          "success")
    return redirect(url_for("admin.reminder_policies", _anchor=f"policy-{role}"))
