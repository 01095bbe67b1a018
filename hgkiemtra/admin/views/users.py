"""Users and their roles: list, create, grant, revoke, lock and unlock."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hgkiemtra.admin import service
from hgkiemtra.admin.access import can_manage_user, covers, orgs_in_scope, users_query
from hgkiemtra.admin.forms import RoleGrantForm, UserCreateForm, role_options
from hgkiemtra.admin.views import bp, flash_failure
from hgkiemtra.cases.queries import page_of
from hgkiemtra.cases.service import local_today
from hgkiemtra.cases.views.listing import Pages
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import PermissionDenied, ValidationFailed
from hgkiemtra.people.models import User
from hgkiemtra.web.forms import PostOnlyForm
from hgkiemtra.web.i18n import translate
from hgkiemtra.web.login import current_actor

PER_PAGE = 50


@bp.get("/users")
def users() -> str:
    q = (request.args.get("q") or "").strip()[:100]
    stmt = users_query(current_actor())
    if q:
        pattern = f"%{q.lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(User.email).like(pattern),
                                 sa.func.lower(User.full_name).like(pattern)))
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = page_of(stmt.order_by(User.is_active.desc(), User.full_name, User.id), page,
                          PER_PAGE)
    return render_template("admin/users.html", users=rows, q=q,
                           pages=Pages(page, PER_PAGE, total))


def _fill(form: UserCreateForm | RoleGrantForm) -> None:
    orgs = orgs_in_scope(current_actor(), local_today())
    top = min((o.path.count("/") for o in orgs), default=2)
    form.org_id.choices = [(o.id, "\u2003" * (o.path.count("/") - top) + o.name) for o in orgs]
    form.role.choices = [(value, translate(label)) for value, label in role_options()]


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> Response | tuple[str, int]:
    form = UserCreateForm(formdata=None) if request.method == "GET" else UserCreateForm()
    _fill(form)
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template("admin/user_new.html", form=form), status
    try:
        user = service.create_user(
            current_actor(), email=form.email.data or "", full_name=form.full_name.data or "",
            password=form.password.data or "", roles=[(form.role.data or "", form.org_id.data)],
            locale=form.locale.data or "vi")
    except ValidationFailed as exc:
        db.session.rollback()
        field = {"password": form.password, "role": form.role}.get(
            (exc.details or {}).get("field", "") if isinstance(exc.details, dict) else "")
        (field.errors.append if field else form.form_errors.append)(exc.message)
        return render_template("admin/user_new.html", form=form), 422
    db.session.commit()
    flash(_("Đã tạo tài khoản %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.get("/users/<int:user_id>")
def user(user_id: int) -> tuple[str, int]:
    return _user_page(user_id, RoleGrantForm(formdata=None))


def _user_page(user_id: int, grant_form: RoleGrantForm, status: int = 200) -> tuple[str, int]:
    actor = current_actor()
    shown = service.get_user(actor, user_id)
    _fill(grant_form)
    page = render_template(
        "admin/user.html", user=shown, grant_form=grant_form, post_form=PostOnlyForm(),
        can_manage=can_manage_user(actor, shown), covers=lambda org: covers(actor, org),
        is_me=shown.id == actor.user_id)
    return page, status


@bp.post("/users/<int:user_id>/roles")
def grant_role(user_id: int) -> Response | tuple[str, int]:
    actor = current_actor()
    form = RoleGrantForm()
    _fill(form)
    if not form.validate_on_submit():
        return _user_page(user_id, form, 422)
    try:
        service.grant_role(actor, service.get_user(actor, user_id), form.role.data or "",
                           form.org_id.data)
    except ValidationFailed as exc:
        db.session.rollback()
        form.form_errors.append(exc.message)
        return _user_page(user_id, form, 422)
    db.session.commit()
    flash(_("Đã cấp vai trò."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/roles/<int:assignment_id>/revoke")
def revoke_role(user_id: int, assignment_id: int) -> Response:
    actor = current_actor()
    if PostOnlyForm().validate_on_submit():
        try:
            service.revoke_role(actor, service.get_user(actor, user_id), assignment_id)
        except ValidationFailed as exc:
            flash_failure(exc)
        else:
            db.session.commit()
            flash(_("Đã thu hồi vai trò."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int) -> Response:
    actor = current_actor()
    if PostOnlyForm().validate_on_submit():
        activate = request.form.get("active") == "1"
        try:
            service.set_active(actor, service.get_user(actor, user_id), activate)
        except (ValidationFailed, PermissionDenied) as exc:
            flash_failure(exc)
        else:
            db.session.commit()
            flash(_("Đã mở khóa tài khoản.") if activate else
                  _("Đã khóa tài khoản; các phiên đăng nhập của người này đã kết thúc."),
                  "success")
    return redirect(url_for("admin.user", user_id=user_id))

