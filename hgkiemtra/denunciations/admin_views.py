"""Admin page: designate and revoke the vault's custodians (on the admin blueprint)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hgkiemtra.admin.access import orgs_in_scope, users_query
from hgkiemtra.admin.views import bp, flash_failure
from hgkiemtra.cases.queries import INT32_MAX
from hgkiemtra.cases.service import local_today
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError, NotFound
from hgkiemtra.denunciations import custodians
from hgkiemtra.denunciations.forms import CustodianForm
from hgkiemtra.people.models import User
from hgkiemtra.web.forms import PostOnlyForm, options
from hgkiemtra.web.login import current_actor


def _fill(form: CustodianForm) -> None:
    actor = current_actor()
    orgs = orgs_in_scope(actor, local_today())
    top = min((o.path.count("/") for o in orgs), default=2)
    form.org_id.choices = options(
        [("", _("— Chọn —")), *((o.id, "\u2003" * (o.path.count("/") - top) + o.name)
                                for o in orgs)])
    users = db.session.scalars(users_query(actor).where(User.is_active.is_(True))
                               .order_by(User.full_name, User.id))
    form.user_id.choices = options(
        [("", _("— Chọn —")), *((u.id, f"{u.full_name} <{u.email}>") for u in users)])


def _page(form: CustodianForm, status: int = 200) -> tuple[str, int]:
    _fill(form)
    return render_template("denunciations/custodians.html", form=form,
                           custodians=custodians.active_in_admin_scope(current_actor()),
                           revoke_form=PostOnlyForm(formdata=None)), status


@bp.get("/custodians")
def vault_custodians() -> tuple[str, int]:
    return _page(CustodianForm(formdata=None))


@bp.post("/custodians")
def designate_custodian() -> Response | tuple[str, int]:
    form = CustodianForm()
    _fill(form)
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        row = custodians.designate(current_actor(), int(form.user_id.data or 0),
                                   int(form.org_id.data or 0))
    except (DomainError, ValueError) as exc:
        db.session.rollback()
        form.form_errors.append(getattr(exc, "message", _("Dữ liệu không hợp lệ")))
        return _page(form, 422)
    db.session.commit()
    flash(_("Đã chỉ định %(name)s làm người giữ khóa tại %(org)s.",
            name=row.user.full_name, org=row.organisation.name), "success")
    return redirect(url_for("admin.vault_custodians"))


@bp.post("/custodians/<int:custodian_id>/revoke")
def revoke_custodian(custodian_id: int) -> Response:
    if custodian_id > INT32_MAX:
        raise NotFound(_("Không tìm thấy"))
    form = PostOnlyForm()
    if form.validate_on_submit():
        try:
            custodians.revoke(current_actor(), custodian_id)
        except DomainError as exc:
            flash_failure(exc)
            return redirect(url_for("admin.vault_custodians"))
        db.session.commit()
        flash(_("Đã thu hồi quyền người giữ khóa."), "success")
    return redirect(url_for("admin.vault_custodians"))
