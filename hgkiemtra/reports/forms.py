"""The one form of the reports: issuing a report (the filters are plain GET inputs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from hgkiemtra.web.forms import Form


class IssueForm(Form):
    reference = StringField(_l("Số, ký hiệu báo cáo"),
                            validators=[DataRequired(), Length(max=100)])
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=4000)])
