"""The admin forms (each carries a CSRF token, as every form does)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from hgkiemtra.auth.passwords import MAX_PASSWORD_LENGTH
from hgkiemtra.people.models import ORG_LEVEL_LABELS_VI, OrgLevel
from hgkiemtra.web.forms import Form, options
from workflows.engine import ROLE_LABELS_VI, Role
from workflows.reminders import MAX_OFFSET, MAX_REPEAT

REQUIRED = _l("Trường này là bắt buộc.")
ORG_LEVEL_LABELS = {
    OrgLevel.PROVINCE: _l("Cấp tỉnh"),
    OrgLevel.DISTRICT: _l("Cấp huyện"),
    OrgLevel.GRASSROOTS: _l("Cơ sở"),
    OrgLevel.CELL: _l("Chi bộ"),
}
assert set(ORG_LEVEL_LABELS) == set(ORG_LEVEL_LABELS_VI)


def role_options() -> list[tuple[str, str]]:
    return [(r.value, ROLE_LABELS_VI[r]) for r in Role]


class OrganisationForm(Form):
    parent_id = SelectField(_l("Trực thuộc"), coerce=int, validators=[DataRequired(REQUIRED)])
    name = StringField(_l("Tên tổ chức đảng"), validators=[DataRequired(REQUIRED), Length(max=255)])
    code = StringField(
        _l("Mã"), validators=[DataRequired(REQUIRED), Length(max=40),
                              Regexp(r"^[A-Za-z0-9._-]+$", message=_l(
                                  "Chỉ dùng chữ không dấu, số và dấu . _ -"))],
        description=_l("Ví dụ: HG.VT.P1 — dùng trong dòng lệnh và báo cáo."),
    )
    level = SelectField(_l("Cấp"), choices=options(
        (level.value, label) for level, label in ORG_LEVEL_LABELS.items()))
    valid_from = DateField(_l("Thành lập từ ngày"), validators=[Optional()])


class UserCreateForm(Form):
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(_l("Email"), validators=[
        DataRequired(REQUIRED), Length(max=255),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Địa chỉ email không hợp lệ."))])
    password = PasswordField(
        _l("Mật khẩu ban đầu"),
        validators=[DataRequired(REQUIRED), Length(max=MAX_PASSWORD_LENGTH)],
        description=_l("Ít nhất 12 ký tự. Hãy báo riêng cho người dùng và đề nghị đổi ngay."),
        render_kw={"autocomplete": "new-password"},
    )
    role = SelectField(_l("Vai trò"), validators=[DataRequired(REQUIRED)])
    org_id = SelectField(_l("Tại tổ chức (và các tổ chức trực thuộc)"), coerce=int,
                         validators=[DataRequired(REQUIRED)])
    locale = SelectField(_l("Ngôn ngữ"), choices=options([("vi", "Tiếng Việt"), ("en", "English")]))


class RoleGrantForm(Form):
    role = SelectField(_l("Vai trò"), validators=[DataRequired(REQUIRED)])
    org_id = SelectField(_l("Tại tổ chức"), coerce=int, validators=[DataRequired(REQUIRED)])


class OverrideForm(Form):
    day = DateField(_l("Ngày"), validators=[DataRequired(_l("Hãy chọn ngày."))])
    kind = SelectField(_l("Khai báo là"), choices=options([
        ("off", _l("Ngày nghỉ (thêm)")), ("working", _l("Ngày làm việc (làm bù)"))]))
    reason = StringField(_l("Lý do, căn cứ"), validators=[DataRequired(REQUIRED), Length(max=255)],
                         description=_l("Ví dụ: Thông báo số 12/TB-VPCP về nghỉ bù."))


class PolicyForm(Form):
    offsets_before = StringField(
        _l("Nhắc trước hạn (số ngày làm việc)"),
        validators=[Optional(), Length(max=100), Regexp(r"^[\d,\s]*$", message=_l(
            "Nhập các số, cách nhau bằng dấu phẩy, ví dụ: 7, 3, 1"))],
        description=_l("Các số cách nhau bằng dấu phẩy, mỗi số từ 1 đến %(max)d; để trống nếu "
                       "không nhắc trước.", max=MAX_OFFSET),
    )
    on_the_day = BooleanField(_l("Nhắc vào ngày đến hạn"))
    escalate_after_days = IntegerField(
        _l("Báo quá hạn sau (ngày)"), validators=[NumberRange(0, MAX_REPEAT)],
        description=_l("0: không báo quá hạn."))
    overdue_every_days = IntegerField(
        _l("Nhắc lại mỗi (ngày) khi còn quá hạn"), validators=[NumberRange(0, MAX_REPEAT)],
        description=_l("0: chỉ báo một lần."))

    def validate_offsets_before(self, field: StringField) -> None:
        if any(not 1 <= n <= MAX_OFFSET for n in self.offsets()):
            raise ValidationError(_l("Mỗi số phải từ 1 đến %(max)d.", max=MAX_OFFSET))

    def offsets(self) -> list[int]:
        parts = (self.offsets_before.data or "").replace(" ", "").split(",")
        return [int(p) for p in parts if p.isdigit()]
