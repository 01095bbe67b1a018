"""Forms of the team panel (a conflict-of-interest declaration) and the linked-case panel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput

from hgkiemtra.cases.forms import REQUIRED, QuickCheckboxList
from hgkiemtra.web.forms import Form, options

# The request kinds of links.open_linked, as the form offers them.
LINK_KIND_LABELS = {
    "inspection": _l("Mở hồ sơ kiểm tra khi có dấu hiệu vi phạm (tố cáo đúng)"),
    "discipline": _l("Mở hồ sơ xem xét kỷ luật"),
    "escalation": _l("Mở hồ sơ khiếu nại ở cấp trên"),
    "member_case": _l("Mở hồ sơ đối với đảng viên có trách nhiệm"),
}
MEMBER_CASE_LABELS = {
    "inspection_violation": _l("Kiểm tra khi có dấu hiệu vi phạm"),
    "discipline": _l("Xem xét, thi hành kỷ luật"),
}


class DeclarationForm(Form):
    has_conflict = RadioField(
        _l("Xung đột lợi ích"),
        choices=options([("no", _l("Tôi không có xung đột lợi ích với hồ sơ này")),
                         ("yes", _l("Tôi có xung đột lợi ích (nêu rõ bên dưới)"))]),
        validators=[InputRequired(_l("Hãy chọn có hoặc không."))],
    )
    statement = TextAreaField(_l("Nội dung cam kết, kê khai"),
                              validators=[Optional(), Length(max=4000)])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class LinkForm(Form):
    kind = SelectField(_l("Hồ sơ cần mở"), choices=[],
                       validators=[InputRequired(_l("Hãy chọn loại hồ sơ."))])
    target_kind = SelectField(_l("Loại hồ sơ đối với đảng viên"), default="discipline",
                              choices=options(MEMBER_CASE_LABELS.items()))
    member_ids = SelectMultipleField(
        _l("Đảng viên có trách nhiệm"), choices=[], validators=[Optional()],
        widget=QuickCheckboxList(), option_widget=CheckboxInput(),
    )
    note = TextAreaField(_l("Căn cứ mở hồ sơ liên kết"),
                         validators=[DataRequired(REQUIRED), Length(max=20000)])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def fill_choices(self, kinds: list[str], members: list[tuple[int, str]]) -> None:
        self.kind.choices = options((k, LINK_KIND_LABELS[k]) for k in kinds)
        self.member_ids.choices = options(members)

    def member_id_values(self) -> list[int]:
        return [int(v) for v in self.member_ids.data or [] if str(v).isdigit()]
