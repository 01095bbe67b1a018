"""Sign-in, sign-out, the profile page: password change and API tokens.

Sign-in is throttled per address and per account (failed attempts only).
Signing out and changing the password raise ``User.session_version``, which
ends the user's other sessions (see web/login.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from hgkiemtra.auth import passwords
from hgkiemtra.auth.forms import LoginForm, PasswordChangeForm, TokenCreateForm
from hgkiemtra.auth.models import ApiToken
from hgkiemtra.auth.tokens import create_token, revoke_token
from hgkiemtra.core.db import db
from hgkiemtra.extensions import limiter
from hgkiemtra.people.models import User
from hgkiemtra.people.service import find_user
from hgkiemtra.web.forms import PostOnlyForm, safe_next
from hgkiemtra.web.login import (
    clear_session,
    end_all_sessions,
    end_other_sessions,
    start_session,
)

bp = Blueprint("auth", __name__, template_folder="templates")

# An office shares one address: per address is generous, per account is not.
LOGIN_LIMIT_PER_ADDRESS = "30 per minute;300 per hour"
LOGIN_LIMIT_PER_ACCOUNT = "5 per minute;20 per hour"
PASSWORD_CHANGE_LIMIT = "10 per hour"

Page = Response | str | tuple[str, int]


def _failed(response: Response) -> bool:
    """Only failed attempts count towards the limits (success redirects)."""
    return response.status_code != 302


def _account_key() -> str:
    return "login:" + request.form.get("email", "").strip().lower()[:255]


def _user_key() -> str:
    return f"password:{current_user.get_id()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT_PER_ADDRESS, methods=["POST"], deduct_when=_failed)
@limiter.limit(LOGIN_LIMIT_PER_ACCOUNT, methods=["POST"], deduct_when=_failed,
               key_func=_account_key)
def login() -> Page:
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data))
    if not form.validate_on_submit():
        status = 200 if request.method == "GET" else 400
        return render_template("auth/login.html", form=form), status
    user = _check_credentials(form)
    if user is None:
        return render_template("auth/login.html", form=form), 401
    start_session(user)
    return redirect(safe_next(form.next.data))


def _check_credentials(form: LoginForm) -> User | None:
    user = find_user(form.email.data or "")
    password = form.password.data or ""
    if user is None or not user.password_hash:
        passwords.burn_time(password)
    elif passwords.verify_password(user.password_hash, password):
        if user.is_active:
            return user
        form.form_errors.append(_("Tài khoản này đã bị khóa. Hãy liên hệ quản trị viên."))
        return None
    form.form_errors.append(_("Email hoặc mật khẩu không đúng."))
    return None


@bp.post("/logout")
@login_required
def logout() -> Response:
    if not PostOnlyForm().validate_on_submit():
        return redirect(url_for("cases.dashboard"))
    end_all_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    clear_session()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/profile")
@login_required
def profile() -> Page:
    return _profile_page()


def _profile_page(
    password_form: PasswordChangeForm | None = None,
    token_form: TokenCreateForm | None = None,
    new_token: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    tokens = db.session.execute(
        sa.select(ApiToken).where(ApiToken.user_id == current_user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars().all()
    page = render_template(
        "auth/profile.html",
        password_form=password_form or PasswordChangeForm(formdata=None),
        token_form=token_form or TokenCreateForm(formdata=None),
        revoke_form=PostOnlyForm(),
        tokens=tokens,
        new_token=new_token,
        min_length=passwords.MIN_PASSWORD_LENGTH,
    )
    return page, status


@bp.post("/profile/password")
@login_required
@limiter.limit(PASSWORD_CHANGE_LIMIT, key_func=_user_key)
def change_password() -> Page:
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _profile_page(password_form=form, status=422)
    user: User = current_user._get_current_object()
    if not passwords.verify_password(user.password_hash, form.current_password.data or ""):
        form.current_password.errors = [_("Mật khẩu hiện tại không đúng.")]
        return _profile_page(password_form=form, status=422)
    new = form.new_password.data or ""
    problems = passwords.password_problems(new, (user.email,))
    if problems:
        form.new_password.errors = [_(p, **passwords.LIMITS) for p in problems]
        return _profile_page(password_form=form, status=422)
    user.password_hash = passwords.hash_password(new, (user.email,))
    end_other_sessions(user)
    db.session.commit()
    flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc."), "success")
    return redirect(url_for("auth.profile"))


@bp.post("/profile/tokens")
@login_required
def create_api_token() -> Page:
    form = TokenCreateForm()
    if not form.validate_on_submit():
        return _profile_page(token_form=form, status=422)
    token = create_token(current_user._get_current_object(), (form.name.data or "").strip())
    db.session.commit()
    # Shown in this response only: never put in a redirect, a flash or a log.
    return _profile_page(new_token=token, status=201)


@bp.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int) -> Response:
    if PostOnlyForm().validate_on_submit():
        if revoke_token(token_id, current_user._get_current_object()):
            db.session.commit()
            flash(_("Đã thu hồi mã truy cập."), "success")
        else:
            flash(_("Không tìm thấy mã truy cập này (hoặc đã thu hồi)."), "error")
    return redirect(url_for("auth.profile"))
