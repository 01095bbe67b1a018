"""Sign-in, password and API-token forms (every one carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from hgkiemtra.auth.passwords import MAX_PASSWORD_LENGTH
from hgkiemtra.web.forms import Form

REQUIRED = _l("Trường này là bắt buộc.")


class LoginForm(Form):
    email = EmailField(
        _l("Email"), validators=[DataRequired(REQUIRED), Length(max=255)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("Mật khẩu"), validators=[DataRequired(REQUIRED), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class PasswordChangeForm(Form):
    current_password = PasswordField(
        _l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[DataRequired(REQUIRED), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[DataRequired(REQUIRED),
                    EqualTo("new_password", _l("Hai lần nhập mật khẩu mới không khớp."))],
        render_kw={"autocomplete": "new-password"},
    )


class TokenCreateForm(Form):
    name = StringField(
        _l("Tên gợi nhớ"), validators=[Length(max=100)],
        description=_l("Ví dụ: máy chủ báo cáo, tập lệnh thống kê."),
    )
