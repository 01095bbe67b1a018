"""The follow-up forms: an action (add, edit), done, waive, and the re-check.

Each carries the case version the page showed (a stale form is refused,
never applied). Amounts are typed the Vietnamese way, with dots between
thousands ("1.500.000"), and read as whole đồng.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from hgkiemtra.cases.models import Case
from hgkiemtra.cases.queries import INT32_MAX
from hgkiemtra.core.db import db
from hgkiemtra.followup.models import FollowUpAction
from hgkiemtra.followup.service import KIND_LABELS
from hgkiemtra.followup.validation import MAX_TEXT, MAX_VND, ActionInput, format_vnd
from hgkiemtra.people.models import Organisation, RoleAssignment, User
from hgkiemtra.web.forms import Form, options
from hgkiemtra.web.i18n import translate

REQUIRED = _l("Trường này là bắt buộc.")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
SEPARATORS = re.compile(r"[.\s\u00a0]|₫|đ$|đồng$")


class VndField(StringField):
    """Whole đồng; dots or spaces between thousands are allowed: '1.500.000'."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = str(valuelist[0]).strip() if valuelist else ""
        self.raw_data = [raw]
        self.data = None
        if not raw:
            return
        digits = SEPARATORS.sub("", raw)
        if not re.fullmatch(r"[0-9]{1,20}", digits):
            raise ValueError(_("Số tiền phải là số nguyên đồng, ví dụ 1.500.000."))
        self.data = int(digits)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else f"{self.data:,}".replace(",", ".")


def _in_vnd_range(form: Form, field: VndField) -> None:
    if field.data is not None and not 1 <= field.data <= MAX_VND:
        raise ValidationError(_("Số tiền phải từ 1 đồng đến %(max)s.", max=format_vnd(MAX_VND)))


def _vnd(label: Any) -> VndField:
    return VndField(label, validators=[Optional(), _in_vnd_range],
                    render_kw={"inputmode": "numeric", "placeholder": "1.500.000"})


class VersionedForm(Form):
    version = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0, max=INT32_MAX)])


class ActionForm(VersionedForm):
    kind = SelectField(_l("Loại việc"), choices=[], validators=[DataRequired(REQUIRED)])
    description = TextAreaField(_l("Nội dung việc phải thực hiện"),
                                validators=[DataRequired(REQUIRED), Length(max=MAX_TEXT)])
    owner_user_id = SelectField(_l("Người chịu trách nhiệm"), choices=[], validators=[Optional()])
    owner_org_id = SelectField(_l("Tổ chức chịu trách nhiệm"), choices=[],
                               validators=[Optional()])
    due_on = DateField(_l("Hạn thực hiện"), format=DATE_FORMATS,
                       validators=[DataRequired(REQUIRED)],
                       render_kw={"placeholder": "dd/mm/yyyy"})
    amount_vnd = _vnd(_l("Số tiền phải thu hồi (đồng)"))

    def fill_choices(self, case: Case) -> None:
        nobody = [("", _("— Không chọn —"))]
        self.kind.choices = options([("", _("— Chọn —")),
                                     *((k, translate(v)) for k, v in KIND_LABELS.items())])
        self.owner_user_id.choices = options([*nobody, *owner_users(case)])
        self.owner_org_id.choices = options([*nobody, *owner_orgs(case)])

    def fill_from(self, action: FollowUpAction) -> None:
        for name in ("kind", "description", "due_on", "amount_vnd"):
            self[name].data = getattr(action, name)
        self.owner_user_id.data = str(action.owner_user_id or "")
        self.owner_org_id.data = str(action.owner_org_id or "")

    def action_input(self) -> ActionInput:
        return ActionInput(
            kind=self.kind.data, description=self.description.data or "",
            due_on=self.due_on.data, amount_vnd=self.amount_vnd.data,
            owner_user_id=int(self.owner_user_id.data) if self.owner_user_id.data else None,
            owner_org_id=int(self.owner_org_id.data) if self.owner_org_id.data else None)


class DoneForm(VersionedForm):
    note = TextAreaField(_l("Kết quả thực hiện"),
                         validators=[DataRequired(REQUIRED), Length(max=MAX_TEXT)])
    done_on = DateField(_l("Ngày hoàn thành"), format=DATE_FORMATS, validators=[Optional()],
                        render_kw={"placeholder": "dd/mm/yyyy"})
    recovered_vnd = _vnd(_l("Số tiền đã thu hồi (đồng)"))


class WaiveForm(VersionedForm):
    reason = TextAreaField(_l("Lý do miễn thực hiện"),
                           validators=[DataRequired(REQUIRED), Length(max=MAX_TEXT)])


class RecheckForm(VersionedForm):
    note = TextAreaField(_l("Nội dung, căn cứ kiểm tra việc thực hiện"),
                         validators=[Optional(), Length(max=MAX_TEXT)])


def owner_users(case: Case) -> list[tuple[int, str]]:
    """Active users holding a role above, at or below the case's organisation."""
    path = case.organisation.path
    rows = db.session.execute(
        sa.select(User.id, User.full_name).distinct()
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .join(Organisation, Organisation.id == RoleAssignment.org_id)
        .where(User.is_active, sa.or_(Organisation.path.startswith(path, autoescape=True),
                                      sa.literal(path).startswith(Organisation.path)))
        .order_by(User.full_name, User.id))
    return [(user_id, name) for user_id, name in rows]


def owner_orgs(case: Case, today: date | None = None) -> list[tuple[int, str]]:
    """The case's organisation and those below it, indented by depth."""
    top = case.organisation.path.count("/")
    orgs = db.session.scalars(
        sa.select(Organisation)
        .where(Organisation.path.startswith(case.organisation.path, autoescape=True))
        .order_by(Organisation.path))
    return [(o.id, "\u2003" * (o.path.count("/") - top) + o.name) for o in orgs
            if today is None or o.is_active_on(today)]
