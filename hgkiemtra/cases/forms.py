"""Case forms: the list filters, one form per workflow event, document upload.

An event's form is built from its definition: one input per ``FieldSpec``,
a note (required when the event needs a reason), the case version the page
was showing (a hidden field: a stale form is refused, never applied), and a
confirmation box, so no step is taken by a slip of the finger.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget, Select, html_params

from hgkiemtra.cases.documents import ALLOWED_TYPES, DOC_TYPES
from hgkiemtra.cases.queries import DEFAULT_SORT, INT32_MAX, CaseFilter
from hgkiemtra.web.forms import Form, options
from hgkiemtra.web.i18n import show_date, translate
from workflows.engine import EventDef, FieldSpec

REQUIRED = _l("Trường này là bắt buộc.")
FIELD_PREFIX = "f_"
PER_PAGE_CHOICES = (25, 50, 100)
LONG_TEXT = 500  # text fields allowing more than this get a text area


class QuickSelect(Select):
    """WTForms' select, markup for markup, with plain options written directly:
    the organisation filter has one option per organisation in scope (1,111 in a
    province), and WTForms' generic path (a Choice and an attribute writer per
    option) cost ~0.1 ms an option."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        choices = field.choices
        if self.multiple or not isinstance(choices, list):
            return super().__call__(field, **kwargs)  # type: ignore[no-any-return]
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        coerce, data = field.coerce, field.data
        for choice in choices:
            value = choice.value if type(choice) is SelectChoice else None
            if not isinstance(value, str) or choice.render_kw or choice.optgroup is not None:
                return super().__call__(field, **kwargs)  # type: ignore[no-any-return]
            selected = " selected" if coerce(value) == data else ""
            html.append(f'<option{selected} value="{escape(value)}">'
                        f"{escape(choice.label or value)}</option>")
        html.append("</select>")
        return Markup("".join(html))


class QuickCheckboxList(ListWidget):
    """``ListWidget(prefix_label=False)`` of ``CheckboxInput``s for a multiple select,
    markup for markup, without a bound field and a label object per option: the
    link form lists up to 300 members (~0.5 ms an option the generic way)."""

    def __init__(self) -> None:
        super().__init__(prefix_label=False)

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        flags = field.flags
        if field.render_kw or flags.required or flags.disabled:
            return super().__call__(field, **kwargs)  # type: ignore[no-any-return]
        kwargs.setdefault("id", field.id)
        html = [f"<ul {html_params(**kwargs)}>"]
        name = escape(field.name)
        for i, choice in enumerate(field.iter_choices()):
            option_id = escape(f"{field.id}-{i}")
            checked = "checked " if choice.selected else ""
            html.append(f'<li><input {checked}id="{option_id}" name="{name}" type="checkbox" '
                        f'value="{escape(str(choice.value))}"> '
                        f'<label for="{option_id}">{escape(choice.label or choice.value)}'
                        "</label></li>")
        html.append("</ul>")
        return Markup("".join(html))


class CaseFilterForm(Form):
    """The case list's query string; choices are filled per request."""

    class Meta:
        csrf = False  # a GET form: it changes nothing

    q = StringField(_l("Tìm kiếm"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Loại hồ sơ"), choices=[], default="", widget=QuickSelect())
    phase = SelectField(_l("Giai đoạn"), choices=[], default="", widget=QuickSelect())
    state = SelectField(_l("Bước"), choices=[], default="", widget=QuickSelect())
    org_id = SelectField(_l("Tổ chức (cả cấp dưới)"), choices=[], default="",
                         widget=QuickSelect())
    year = SelectField(_l("Năm lập"), choices=[], default="", widget=QuickSelect())
    overdue = SelectField(_l("Thời hạn"), choices=[], default="", widget=QuickSelect())
    mine = BooleanField(_l("Chỉ hồ sơ tôi tham gia"))
    sort = SelectField(_l("Sắp xếp"), choices=[], default=DEFAULT_SORT)
    per_page = SelectField(_l("Số dòng mỗi trang"), choices=[], default="25")
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=1_000_000)])

    def to_filter(self, user_id: int) -> CaseFilter:
        """The filters that validated; a bad value is dropped (and reported)."""
        def value(field: Field) -> Any:
            return field.data if field.data not in (None, "") and not field.errors else None

        year, org_id, overdue = value(self.year), value(self.org_id), value(self.overdue)
        return CaseFilter(
            state=value(self.state),
            phase=value(self.phase),
            kind=value(self.kind),
            org_id=int(org_id) if org_id else None,
            overdue=None if overdue is None else overdue == "yes",
            q=value(self.q),
            year=int(year) if year else None,
            team_user_id=user_id if self.mine.data else None,
            sort=value(self.sort) or DEFAULT_SORT,
        )

    @property
    def page_number(self) -> int:
        return self.page.data if self.page.data and not self.page.errors else 1

    @property
    def page_size(self) -> int:
        size = self.per_page.data
        return int(size) if size and not self.per_page.errors else PER_PAGE_CHOICES[0]


SORT_LABELS = {
    "-updated_at": _l("Mới cập nhật trước"),
    "updated_at": _l("Cập nhật lâu nhất trước"),
    "-opened_on": _l("Mới lập trước"),
    "opened_on": _l("Lập sớm nhất trước"),
    "title": _l("Tiêu đề A→Z"),
    "-title": _l("Tiêu đề Z→A"),
    "-id": _l("Số hồ sơ giảm dần"),
    "id": _l("Số hồ sơ tăng dần"),
}


def fill_filter_choices(
    form: CaseFilterForm,
    kinds: list[tuple[str, str]],
    phases: list[tuple[str, str]],
    states: list[tuple[str, str]],
    orgs: list[tuple[int, str]],
    years: list[int],
) -> None:
    anything = ("", _("Tất cả"))
    form.kind.choices = options([anything, *((k, translate(t)) for k, t in kinds)])
    form.phase.choices = options([anything, *((p, translate(t)) for p, t in phases)])
    form.state.choices = options([anything, *((s, translate(t)) for s, t in states)])
    form.org_id.choices = options([anything, *orgs])
    form.year.choices = options([anything, *((y, str(y)) for y in years)])
    form.overdue.choices = options(
        [anything, ("yes", _("Đang quá hạn")), ("no", _("Không quá hạn"))]
    )
    form.sort.choices = options((key, str(label)) for key, label in SORT_LABELS.items())
    form.per_page.choices = options((n, str(n)) for n in PER_PAGE_CHOICES)


# --- events ------------------------------------------------------------------


class EventFormBase(Form):
    # The case version the form was shown for: the service refuses a stale one.
    version = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0, max=INT32_MAX)]
    )
    confirm = BooleanField(
        _l("Tôi đã kiểm tra nội dung và xác nhận thực hiện bước này."),
        validators=[DataRequired(_l("Hãy đánh dấu ô xác nhận trước khi gửi."))],
    )

    event: EventDef

    def event_data(self) -> dict[str, Any]:
        """The event's ``data``: each filled field, dates as ISO strings."""
        data: dict[str, Any] = {}
        for spec in self.event.fields:
            value = self[FIELD_PREFIX + spec.name].data
            if isinstance(value, date):
                value = value.isoformat()
            if value not in (None, ""):
                data[spec.name] = value
        return data

    def typed_values(self) -> list[tuple[str, str]]:
        """What the user typed, readable: choice labels, dates dd/mm/yyyy."""
        shown = []
        for field in [*self.spec_fields(), self["note"]]:
            value = field.data
            if value in (None, ""):
                continue
            if isinstance(field, SelectField):
                value = next((c.label for c in field.choices if c.value == value), value)
            elif isinstance(value, date):
                value = show_date(value)
            shown.append((str(field.label.text), str(value)))
        return shown

    def spec_fields(self) -> list[Field]:
        return [self[FIELD_PREFIX + spec.name] for spec in self.event.fields]

    def field_for(self, name: str) -> Field | None:
        key = FIELD_PREFIX + name
        return self[key] if key in self else None


def event_form(event: EventDef, **kwargs: Any) -> EventFormBase:
    """A form instance for ``event`` (fields from its definition)."""
    attrs: dict[str, Any] = {"event": event}
    for spec in event.fields:
        attrs[FIELD_PREFIX + spec.name] = _input(spec)
    note_label = _l("Lý do") if event.requires_note else _l("Ghi chú")
    note_checks = [DataRequired(REQUIRED)] if event.requires_note else [Optional()]
    attrs["note"] = TextAreaField(note_label, validators=[*note_checks, Length(max=20000)])
    form_class = type(f"EventForm_{event.name}", (EventFormBase,), attrs)
    form: EventFormBase = form_class(**kwargs)
    return form


def _input(spec: FieldSpec) -> Field:
    label = translate(spec.label)
    checks: list[Any] = [DataRequired(REQUIRED)] if spec.required else [Optional()]
    if spec.type == "date":
        return DateField(label, validators=checks, format=["%Y-%m-%d", "%d/%m/%Y"],
                         render_kw={"placeholder": "dd/mm/yyyy"})
    if spec.type == "choice":
        choices = options([("", _("— Chọn —")), *((k, translate(v)) for k, v in spec.choices)])
        return SelectField(label, choices=choices, validators=checks)
    if spec.type == "integer":
        return IntegerField(label, validators=checks)
    checks.append(Length(max=spec.max_length))
    if spec.max_length > LONG_TEXT:
        return TextAreaField(label, validators=checks)
    return StringField(label, validators=checks)


# --- documents -----------------------------------------------------------------


class UploadForm(Form):
    file = FileField(
        _l("Tệp"),
        validators=[
            FileRequired(_l("Hãy chọn một tệp.")),
            FileAllowed([ext.lstrip(".") for ext in ALLOWED_TYPES],
                        _l("Loại tệp này không được nhận.")),
        ],
        render_kw={"accept": ",".join(sorted(ALLOWED_TYPES))},
    )
    doc_type = SelectField(_l("Loại tài liệu"), choices=[], default="other")

    def fill_choices(self) -> None:
        self.doc_type.choices = options((key, translate(lbl)) for key, lbl in DOC_TYPES.items())


# --- opening a case ------------------------------------------------------------------


class CaseStartForm(Form):
    """Step 1 (GET): what kind of case, where, and about whom (a name search)."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Loại hồ sơ"), choices=[])
    org_id = SelectField(_l("Tổ chức đảng quản lý hồ sơ"), choices=[], default="")
    subject_type = SelectField(
        _l("Đối tượng là"),
        choices=options([("member", _l("Đảng viên")), ("organisation", _l("Tổ chức đảng"))]),
        default="member",
    )
    subject_q = StringField(_l("Tìm đối tượng theo tên"), validators=[Optional(), Length(max=200)])


class NewCaseForm(Form):
    """Step 2 (POST): the subject picked from the candidates, the title, the team."""

    kind = HiddenField(validators=[InputRequired()])
    org_id = IntegerField(widget=HiddenInput(),
                          validators=[InputRequired(), NumberRange(min=1, max=INT32_MAX)])
    subject_type = HiddenField(validators=[InputRequired()])
    subject_id = RadioField(_l("Đối tượng"), choices=[], validate_choice=False,
                            validators=[InputRequired(_l("Hãy chọn đối tượng."))])
    title = StringField(_l("Tiêu đề hồ sơ"), validators=[DataRequired(REQUIRED), Length(max=500)])
    summary = TextAreaField(_l("Tóm tắt dấu hiệu vi phạm, nguồn thông tin"),
                            validators=[Optional(), Length(max=20000)])
    # The date the letter was received or the matter arose: it picks the workflow version
    # (and rule set) in force then; empty means today. The service refuses a future date.
    anchor_on = DateField(
        _l("Ngày căn cứ"), validators=[Optional()], format=["%Y-%m-%d", "%d/%m/%Y"],
        description=_l("Ngày nhận đơn hoặc ngày phát sinh vụ việc; quyết định quy trình và "
                       "quy định áp dụng. Để trống nếu là hôm nay."),
        render_kw={"placeholder": "dd/mm/yyyy"},
    )
    leader_id = SelectField(_l("Trưởng đoàn"), choices=[], validators=[Optional()])
    directing_id = SelectField(_l("Ủy viên chỉ đạo"), choices=[], validators=[Optional()])
    member_ids = SelectMultipleField(
        _l("Thành viên đoàn"), choices=[], validators=[Optional()],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )

    def fill_choices(self, subjects: list[tuple[int, str]], staff: list[tuple[int, str]]) -> None:
        self.subject_id.choices = options(subjects)
        nobody = [("", _("— Không chọn —"))]
        self.leader_id.choices = options([*nobody, *staff])
        self.directing_id.choices = options([*nobody, *staff])
        self.member_ids.choices = options(staff)

    def team(self) -> list[tuple[int, str]]:
        """(user id, team role), each person once, the leader first."""
        seats: dict[int, str] = {}
        for value, role in ((self.leader_id.data, "leader"),
                            (self.directing_id.data, "directing")):
            if value:
                seats.setdefault(int(value), role)
        for value in self.member_ids.data or []:
            seats.setdefault(int(value), "member")
        return list(seats.items())
