"""Forms for merging, splitting and dissolving an organisation (admin pages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from hgkiemtra.web.forms import Form

CODE = Regexp(r"^[A-Za-z0-9._-]*$", message=_l("Chỉ dùng chữ không dấu, số và dấu . _ -"))
SPLIT_ROWS = 3  # successors offered on the split form


class ChangeForm(Form):
    on = DateField(_l("Ngày có hiệu lực"),
                   validators=[DataRequired(_l("Hãy chọn ngày có hiệu lực."))],
                   description=_l("Từ ngày này tổ chức thôi hoạt động (ngày trước đó là ngày "
                                  "cuối cùng). Không được sau ngày hôm nay."))
    note = StringField(_l("Căn cứ (số quyết định, ghi chú)"), validators=[Length(max=500)])
    carry_roles = BooleanField(_l(
        "Giao cho những người có vai trò tại tổ chức này cùng vai trò tại tổ chức kế thừa"))
    confirm = BooleanField(
        _l("Tôi đã xem các hồ sơ đang mở sẽ được chuyển và xác nhận thay đổi này"),
        validators=[DataRequired(_l("Hãy đánh dấu xác nhận trước khi thực hiện."))])


class MergeForm(ChangeForm):
    others = SelectMultipleField(_l("Cùng sáp nhập với (không bắt buộc)"), coerce=int,
                                 validators=[Optional()])
    target_id = SelectField(_l("Sáp nhập vào tổ chức có sẵn"), coerce=int)  # 0: a new one
    new_code = StringField(_l("hoặc vào tổ chức mới — mã"),
                           validators=[Optional(), Length(max=40), CODE])
    new_name = StringField(_l("Tên tổ chức mới"), validators=[Optional(), Length(max=255)])
    new_parent_id = SelectField(_l("Tổ chức mới trực thuộc"), coerce=int)  # 0: as the source


class DissolveForm(ChangeForm):
    successor_id = SelectField(_l("Chuyển công việc đang làm cho"), coerce=int)  # 0: the parent


class SplitForm(ChangeForm):
    pass


for _n in range(1, SPLIT_ROWS + 1):
    setattr(SplitForm, f"succ{_n}_id", SelectField(
        _l("Tổ chức kế thừa %(n)d: tổ chức có sẵn", n=_n), coerce=int))
    setattr(SplitForm, f"succ{_n}_code", StringField(
        _l("hoặc tổ chức mới — mã"), validators=[Optional(), Length(max=40), CODE]))
    setattr(SplitForm, f"succ{_n}_name", StringField(
        _l("Tên tổ chức mới"), validators=[Optional(), Length(max=255)]))
