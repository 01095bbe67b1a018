"""Programme forms: a new programme, an item (two steps, no JavaScript), a target."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from hgkiemtra.web.forms import Form, options

REQUIRED = _l("Trường này là bắt buộc.")
KIND_LABELS = {
    "inspection": _l("Chương trình kiểm tra"),
    "supervision": _l("Chương trình giám sát"),
    "combined": _l("Chương trình kiểm tra, giám sát"),
}
STATUS_LABELS = {"draft": _l("Dự thảo"), "approved": _l("Đã phê duyệt")}
ITEM_STATUS_LABELS = {
    "not_opened": _l("Chưa mở hồ sơ"),
    "open": _l("Đang thực hiện"),
    "done": _l("Đã hoàn thành"),
    "cancelled": _l("Đã hủy"),
}
QUARTERS = [(q, _l("Quý %(q)s", q=q)) for q in range(1, 5)]
SUBJECT_TYPES = [("member", _l("Đảng viên")), ("organisation", _l("Tổ chức đảng"))]


class ProgrammeForm(Form):
    org_id = SelectField(_l("Tổ chức đảng (Ủy ban Kiểm tra)"), choices=[],
                         validators=[InputRequired(REQUIRED)])
    year = IntegerField(_l("Năm"), validators=[InputRequired(REQUIRED),
                                               NumberRange(min=2000, max=2100)])
    kind = SelectField(_l("Loại chương trình"), choices=options(KIND_LABELS.items()))
    title = StringField(_l("Tên chương trình"),
                        validators=[DataRequired(REQUIRED), Length(max=300)])


class ItemStartForm(Form):
    """Step 1 (GET): the kind of case and a name search for the subject."""

    class Meta:
        csrf = False

    case_kind = SelectField(_l("Loại hồ sơ sẽ lập"), choices=[])
    subject_type = SelectField(_l("Đối tượng là"), choices=options(SUBJECT_TYPES),
                               default="member")
    subject_q = StringField(_l("Tìm đối tượng theo tên"),
                            validators=[Optional(), Length(max=200)])


class ItemForm(Form):
    """Step 2 (POST): the subject among the matches, the content, quarter, responsible."""

    case_kind = HiddenField(validators=[InputRequired()])
    subject_type = HiddenField(validators=[InputRequired()])
    subject_id = RadioField(_l("Đối tượng"), choices=[], validate_choice=False,
                            validators=[InputRequired(_l("Hãy chọn đối tượng."))])
    content = StringField(_l("Nội dung (thành tiêu đề hồ sơ)"),
                          validators=[DataRequired(REQUIRED), Length(max=500)])
    quarter = SelectField(_l("Thời gian thực hiện"), choices=options(QUARTERS))
    responsible_user_id = SelectField(_l("Ủy viên phụ trách"), choices=[],
                                      validators=[InputRequired(REQUIRED)])


class TargetForm(Form):
    org_id = SelectField(_l("Tổ chức đảng (cả cấp dưới)"), choices=[],
                         validators=[InputRequired(REQUIRED)])
    year = IntegerField(_l("Năm"), validators=[InputRequired(REQUIRED),
                                               NumberRange(min=2000, max=2100)])
    supervised_share = IntegerField(_l("Tỷ lệ đảng viên được giám sát (%)"),
                                    validators=[InputRequired(REQUIRED),
                                                NumberRange(min=0, max=100)])
    inspected_share = IntegerField(_l("Tỷ lệ đảng viên được kiểm tra (%)"),
                                   validators=[InputRequired(REQUIRED),
                                               NumberRange(min=0, max=100)])
