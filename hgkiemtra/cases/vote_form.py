"""The form of the votes page: the event's fields, with the ballot as counts.

Like every event form it carries the case version the page showed and a
confirmation box (needed to record, not to preview). The vote base is typed
as its parts (``discipline.vote_base``) and ``members_total`` computed from
them; votes are non-negative counts, and no more votes than members.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from hgkiemtra.cases.forms import FIELD_PREFIX, REQUIRED, EventFormBase, _input
from hgkiemtra.cases.votes import FORM_OF_FIELD
from hgkiemtra.web.i18n import translate
from workflows.ballots import VOTE_BASE_FIELDS
from workflows.engine import EventDef, FieldSpec

MAX_MEMBERS = 100_000
BASE_PARTS = ("members_transferred", "members_excused_absent")


class VoteForm(EventFormBase):
    def value(self, name: str) -> Any:
        field = self.field_for(name)
        return field.data if field is not None else None

    @property
    def has_base_parts(self) -> bool:
        return all(self.field_for(name) is not None for name in VOTE_BASE_FIELDS)

    def relax_confirmation(self) -> None:
        """A preview changes nothing: it needs no confirmation."""
        self.confirm.validators = []

    def check_counts(self) -> bool:
        """Compute the base from its parts; refuse more votes than members."""
        if self.has_base_parts:
            official = self.value("members_official")
            if official is None:
                return False
            base = official - sum(self.value(name) or 0 for name in BASE_PARTS)
            if base < 1:
                field = self[FIELD_PREFIX + "members_excused_absent"]
                field.errors = [*field.errors, _(
                    "Số chuyển sinh hoạt tạm thời và miễn sinh hoạt vắng mặt phải ít hơn số "
                    "thành viên chính thức.")]
                return False
            self[FIELD_PREFIX + "members_total"].data = base
        members = self.value("members_total")
        cast = sum(self.value(name) or 0 for name in FORM_OF_FIELD if self.field_for(name))
        if isinstance(members, int) and cast > members:
            self.form_errors.append(_(
                "Tổng số phiếu (%(cast)d) nhiều hơn số thành viên làm cơ sở tính phiếu "
                "(%(members)d).", cast=cast, members=members))
            return False
        return True

    @property
    def vote_base(self) -> int | None:
        members = self.value("members_total")
        return members if isinstance(members, int) else None


def vote_form(event: EventDef, **kwargs: Any) -> VoteForm:
    """A form instance for the ballot event ``event``."""
    names = {spec.name for spec in event.fields}
    has_parts = all(name in names for name in VOTE_BASE_FIELDS)
    attrs: dict[str, Any] = {"event": event}
    for spec in event.fields:
        attrs[FIELD_PREFIX + spec.name] = _vote_input(spec, has_parts)
    note_checks = [DataRequired(REQUIRED)] if event.requires_note else [Optional()]
    attrs["note"] = TextAreaField(_l("Lý do") if event.requires_note else _l("Ghi chú"),
                                  validators=[*note_checks, Length(max=20000)])
    form_class = type(f"VoteForm_{event.name}", (VoteForm,), attrs)
    form: VoteForm = form_class(**kwargs)
    return form


def _count(label: str, *, required: bool = False, minimum: int = 0, **kw: Any) -> IntegerField:
    checks: list[Any] = [InputRequired(REQUIRED)] if required else [Optional()]
    return IntegerField(label, validators=[*checks, NumberRange(min=minimum, max=MAX_MEMBERS)],
                        render_kw={"inputmode": "numeric", "min": minimum},
                        **kw)


def _vote_input(spec: FieldSpec, has_parts: bool) -> Field:
    label = translate(spec.label)
    if spec.name in FORM_OF_FIELD:
        return _count(label)
    if spec.name == "members_official":
        return _count(label, required=True, minimum=1)
    if spec.name in BASE_PARTS:
        return _count(label, default=0)
    if spec.name == "members_total":
        if has_parts:  # computed from its parts
            return IntegerField(widget=HiddenInput(), validators=[Optional()])
        return _count(label, required=True, minimum=1)
    return _input(spec)
