"""The committee's meeting and votes page: the secret-ballot result per form.

GET shows the form for the event that takes the ballot (the forms that exist
for the subject, heaviest first). POST with ``action=preview`` counts the
ballot exactly as recording it would and explains the outcome step by step,
changing nothing. POST with ``action=record`` (and the confirmation box)
fires the event through ``cases.service.fire_event`` with the version the
page showed; the outcome is derived and recorded in the audit trail there.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases import votes
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.presenters import guard_reasons
from hgkiemtra.cases.views import bp
from hgkiemtra.cases.views.common import load_case
from hgkiemtra.cases.views.events import _attach_error, conflict_details
from hgkiemtra.cases.vote_form import VoteForm, vote_form
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import (
    GuardFailed,
    NotFound,
    PermissionDenied,
    TransitionRejected,
    ValidationFailed,
    VersionConflict,
)
from hgkiemtra.web.i18n import translate
from hgkiemtra.web.login import current_actor
from workflows import ballots, discipline
from workflows.ballots import VOTE_BASE_FIELDS, is_ballot_event
from workflows.engine import EventDef
from workflows.guards import forms_for
from workflows.text import msg

Page = Response | tuple[str, int]
MEETING_FIELDS = ("voted_on", "body_kind", "body_level", "body_can_admit_members")
BASE_FIELDS = (*VOTE_BASE_FIELDS, "members_total")


@bp.route("/cases/<int:case_id>/vote", methods=["GET", "POST"])
def vote(case_id: int) -> Page:
    actor = current_actor()
    case = load_case(actor, case_id)
    event_def, is_open = _ballot_event(case)
    if not actor.roles_for(case.organisation.path) & event_def.roles:
        raise PermissionDenied(msg("Vai trò của bạn không được ghi nhận kết quả biểu quyết"))
    if request.method == "GET":
        if not is_open:
            flash(_("Hồ sơ không ở bước biểu quyết: không có kết quả nào để ghi nhận."),
                  "warning")
            return redirect(url_for("cases.show", case_id=case.id))
        return _page(case, vote_form(event_def, data=_defaults(case)))
    form = vote_form(event_def)
    if request.form.get("action") == "preview":
        return _preview(actor, case, form)
    return _record(actor, case, form)


@bp.app_template_global()
def event_url(case: Case, event: EventDef) -> str:
    """Where a next-step button leads: the votes page for a ballot, else the event form."""
    if is_ballot_event(event):
        return url_for("cases.vote", case_id=case.id)
    return url_for("cases.event", case_id=case.id, event_name=event.name)


def _ballot_event(case: Case) -> tuple[EventDef, bool]:
    """The ballot event leaving the current state, or the workflow's (not open now)."""
    definition = cases.definition_of(case)
    current = votes.ballot_event(definition, case.state)
    if current is not None:
        return current, True
    found = next((e for e in definition.events if is_ballot_event(e)), None)
    if found is None:
        raise NotFound(msg("Quy trình của hồ sơ này không có bước biểu quyết"))
    return found, False


def _defaults(case: Case) -> dict[str, Any]:
    level = case.organisation.level
    return {"version": case.version, "f_voted_on": cases.local_today(),
            "f_body_level": level if level in discipline.LEVELS else None}


def _valid(form: VoteForm) -> bool:
    return bool(form.validate_on_submit()) & form.check_counts()


def _preview(actor: Actor, case: Case, form: VoteForm) -> Page:
    """Count as recording would, explain, store nothing."""
    form.relax_confirmation()
    if not _valid(form):
        return _page(case, form, status=422)
    try:
        check, derived = cases.preview_event(actor, case, form.event.name,
                                             data=form.event_data(), note=_note(form))
    except (ValidationFailed, TransitionRejected) as exc:
        _attach_error(form, exc)
        return _page(case, form, status=422)
    if not check.allowed:
        form.form_errors.extend(guard_reasons(check))
        return _page(case, form, status=422)
    return _page(case, form, summary=votes.summarise({**form.event_data(), **derived}))


def _record(actor: Actor, case: Case, form: VoteForm) -> Page:
    if not _valid(form):
        return _page(case, form, status=422)
    if form.version.data != case.version:
        return _conflict(actor, case, form)
    try:
        case = cases.fire_event(actor, case.id, form.event.name,
                                expected_version=form.version.data, note=_note(form),
                                data=form.event_data())
    except VersionConflict:
        db.session.rollback()
        return _conflict(actor, cases.get_case(actor, case.id), form)
    except GuardFailed as exc:
        db.session.rollback()
        form.form_errors.extend(exc.reasons)
        return _page(case, form, status=422)
    except (ValidationFailed, TransitionRejected) as exc:
        db.session.rollback()
        _attach_error(form, exc)
        return _page(case, form, status=422)
    db.session.commit()
    flash(_recorded_message(case.data or {}), "success")
    return redirect(url_for("cases.show", case_id=case.id))


def _recorded_message(data: dict[str, Any]) -> str:
    adopted = data.get("adopted_form")
    if adopted:
        return _("Đã ghi nhận kết quả biểu quyết: thông qua hình thức “%(form)s”.",
                 form=translate(discipline.FORM_LABELS_VI[adopted]))
    return _("Đã ghi nhận kết quả biểu quyết: không hình thức nào đủ số phiếu.")


def _note(form: VoteForm) -> str:
    return (form.note.data or "").strip()


def _conflict(actor: Actor, case: Case, form: VoteForm) -> Page:
    """Someone moved the case since the page was shown: record nothing, explain."""
    _check, details = conflict_details(actor, case, form)
    return _page(case, form, status=409, **details)


def _page(case: Case, form: VoteForm, status: int = 200, **extra: Any) -> tuple[str, int]:
    definition = cases.definition_of(case)
    ctx = cases.guard_context(case, {}, "", cases.local_today())
    heaviest_first = tuple(reversed(forms_for(case.subject_type, dict(ctx.subject_facts))))
    grouped = {*MEETING_FIELDS, *BASE_FIELDS, *votes.FORM_OF_FIELD}
    page = render_template(
        "cases/vote.html",
        case=case,
        form=form,
        event=form.event,
        state_label=definition.state(case.state).label,
        dest_label=definition.state(form.event.dest).label,
        subject_kind=discipline.SUBJECT_KIND_LABELS_VI[ballots.subject_kind(ctx)],
        ballot=[(form_key, discipline.FORM_LABELS_VI[form_key],
                 form.field_for(votes.FIELD_OF_FORM[form_key]))
                for form_key in heaviest_first if form.field_for(votes.FIELD_OF_FORM[form_key])],
        none_field=form.field_for(votes.FIELD_OF_FORM["none"]),
        meeting=[form.field_for(n) for n in MEETING_FIELDS if form.field_for(n)],
        base=[form.field_for(n) for n in
              (VOTE_BASE_FIELDS if form.has_base_parts else ("members_total",))],
        others=[form.field_for(s.name) for s in form.event.fields if s.name not in grouped],
        summary=extra.pop("summary", None),
        **extra,
    )
    return page, status
