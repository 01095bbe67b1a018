"""One workflow event: GET shows its form, POST fires it through the service.

The form carries the case version the page showed. If someone else moved the
case meanwhile, nothing is applied: the page says so, shows where the case
is now and, when the step is still possible, offers the form again (with
what was typed) for a fresh confirmation.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.forms import EventFormBase, event_form
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.presenters import OPEN_EVENT_LABEL, guard_reasons
from hgkiemtra.cases.views import bp
from hgkiemtra.cases.views.common import load_case
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
from workflows.engine import EventCheck, EventDef
from workflows.text import msg

Page = Response | tuple[str, int]


@bp.route("/cases/<int:case_id>/events/<event_name>", methods=["GET", "POST"])
def event(case_id: int, event_name: str) -> Page:
    actor = current_actor()
    case = load_case(actor, case_id)
    event_def = cases.definition_of(case).event_map.get(event_name)
    if event_def is None:
        raise NotFound(msg("Quy trình không có bước '{event_name}'", event_name=event_name))
    if not actor.roles_for(case.organisation.path) & event_def.roles:
        raise PermissionDenied(msg("Vai trò của bạn không được thực hiện bước này"))
    if request.method == "GET":
        return _show_form(actor, case, event_def)
    return _submit(actor, case, event_def)


def _check(actor: Actor, case: Case, event_name: str) -> EventCheck | None:
    """The event's check from the case's current state (None: not from here)."""
    return next((c for c in cases.allowed_events(actor, case) if c.event.name == event_name),
                None)


def _show_form(actor: Actor, case: Case, event_def: EventDef) -> Page:
    check = _check(actor, case, event_def.name)
    if check is None:
        flash(_("Bước “%(label)s” không thực hiện được khi hồ sơ đang ở bước hiện tại.",
                label=translate(event_def.label)), "warning")
        return redirect(url_for("cases.show", case_id=case.id))
    form = event_form(event_def, data={"version": case.version})
    return _page(case, form, check)


def _submit(actor: Actor, case: Case, event_def: EventDef) -> Page:
    form = event_form(event_def)
    if not form.validate_on_submit():
        return _page(case, form, _check(actor, case, event_def.name), status=422)
    if form.version.data != case.version:
        return _conflict(actor, case, form)
    try:
        cases.fire_event(
            actor, case.id, event_def.name,
            expected_version=form.version.data,
            note=(form.note.data or "").strip(),
            data=form.event_data(),
        )
    except VersionConflict:
        db.session.rollback()
        return _conflict(actor, cases.get_case(actor, case.id), form)
    except GuardFailed as exc:
        db.session.rollback()
        form.form_errors.extend(exc.reasons)
        return _page(case, form, _check(actor, case, event_def.name), status=422)
    except (ValidationFailed, TransitionRejected) as exc:
        db.session.rollback()
        _attach_error(form, exc)
        return _page(case, form, _check(actor, case, event_def.name), status=422)
    db.session.commit()
    flash(_("Đã thực hiện: %(label)s.", label=translate(event_def.label)), "success")
    return redirect(url_for("cases.show", case_id=case.id))


def _attach_error(form: EventFormBase, exc: ValidationFailed | TransitionRejected) -> None:
    field_name = exc.details.get("field") if isinstance(exc.details, dict) else None
    field = form.field_for(field_name) if isinstance(field_name, str) else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def _conflict(actor: Actor, case: Case, form: EventFormBase) -> Page:
    """Someone moved the case since the form was shown: apply nothing, explain."""
    check, details = conflict_details(actor, case, form)
    return _page(case, form, check, status=409, **details)


def conflict_details(actor: Actor, case: Case, form: EventFormBase,
                     ) -> tuple[EventCheck | None, dict[str, object]]:
    """What the conflict message shows (``cases/_conflict.html``); when the step is still
    possible, the form is offered again for the current version, unconfirmed."""
    check = _check(actor, case, form.event.name)
    can_retry = check is not None and check.role_ok
    if can_retry:
        form.version.data = case.version
        form.version.raw_data = [str(case.version)]
        form.confirm.data = False
        form.confirm.raw_data = []
    last = cases.history(actor, case.id)[-1]
    last_def = cases.definition_of(case).event_map.get(last.event)
    return check, {"conflict": True, "can_retry": can_retry, "last_event": last,
                   "last_label": last_def.label if last_def else OPEN_EVENT_LABEL}


def _page(
    case: Case, form: EventFormBase, check: EventCheck | None, status: int = 200,
    **extra: object,
) -> tuple[str, int]:
    definition = cases.definition_of(case)
    page = render_template(
        "cases/event_form.html",
        case=case,
        form=form,
        event=form.event,
        check=check,
        reasons=guard_reasons(check) if check and not check.allowed else [],
        state_label=definition.state(case.state).label,
        dest_label=definition.state(form.event.dest).label,
        definition=definition,
        **extra,
    )
    return page, status
