"""Forms of the vault: the denouncer at intake, reasons, decisions, custodians.

The denouncer's fields are never written back into a page: after a failed
submission they are emptied (``DenouncerForm.forget``) and must be typed
again, so an identity never travels back in a response.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from hgkiemtra.denunciations.service import LIMITS
from hgkiemtra.denunciations.vault import Identity
from hgkiemtra.web.forms import Form, options

REQUIRED = _l("Trường này là bắt buộc.")
IDENTITY_FIELDS = ("full_name", "address", "phone", "email", "id_number", "notes")


class DenouncerForm(Form):
    """Part of the new-case form (prefix ``denouncer-``): its CSRF token is the outer one."""

    class Meta:
        csrf = False

    # No Optional(): validate_full_name must run when only other fields were typed.
    full_name = StringField(_l("Họ và tên người tố cáo"),
                            validators=[Length(max=LIMITS["full_name"])])
    address = StringField(_l("Địa chỉ"), validators=[Optional(), Length(max=LIMITS["address"])])
    phone = StringField(_l("Điện thoại"), validators=[Optional(), Length(max=LIMITS["phone"])])
    email = StringField(_l("Thư điện tử"), validators=[Optional(), Length(max=LIMITS["email"])])
    id_number = StringField(_l("Số CMND/CCCD"),
                            validators=[Optional(), Length(max=LIMITS["id_number"])])
    notes = TextAreaField(_l("Ghi chú khác về người tố cáo"),
                          validators=[Optional(), Length(max=LIMITS["notes"])])

    def is_filled(self) -> bool:
        return any((self[name].data or "").strip() for name in IDENTITY_FIELDS)

    def validate_full_name(self, field: StringField) -> None:
        if self.is_filled() and not (field.data or "").strip():
            raise ValidationError(_l("Hãy nhập họ và tên người tố cáo (hoặc để trống cả phần "
                                     "này nếu đơn giấu tên)."))

    def identity(self) -> Identity | None:
        """The typed identity, or None when the whole part was left empty (anonymous)."""
        if not self.is_filled():
            return None
        return Identity(**{name: (self[name].data or "") for name in IDENTITY_FIELDS})

    def forget(self) -> bool:
        """Empty every field before the page is shown again; True if anything was typed."""
        typed = self.is_filled()
        for name in IDENTITY_FIELDS:
            self[name].data = ""
            self[name].raw_data = []
        return typed


class ReasonForm(Form):
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(REQUIRED), Length(max=4000)])


class DecisionForm(ReasonForm):
    decision = RadioField(_l("Quyết định"), validators=[InputRequired(REQUIRED)],
                          choices=options([("approve", _l("Duyệt")), ("refuse", _l("Từ chối"))]))


class RevealForm(Form):
    keep_secret = BooleanField(
        _l("Tôi cam kết giữ bí mật danh tính người tố cáo, không tiết lộ cho bất kỳ ai "
           "không có trách nhiệm, nhất là người bị tố cáo."),
        validators=[DataRequired(_l("Hãy đánh dấu ô cam kết trước khi xem."))])


class CustodianForm(Form):
    user_id = SelectField(_l("Người được chỉ định"), choices=[],
                          validators=[InputRequired(REQUIRED)])
    org_id = SelectField(_l("Phạm vi: hồ sơ của tổ chức (cả cấp dưới)"), choices=[],
                         validators=[InputRequired(REQUIRED)])


def intake_form(kind: str | None) -> DenouncerForm | None:
    """The denouncer part of the new-case form, for a denunciation only."""
    return DenouncerForm(prefix="denouncer") if kind == "denunciation" else None
