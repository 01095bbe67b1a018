"""Opening a case in two steps that work without JavaScript.

Step 1 (a GET form) picks the kind, the organisation and searches the
subject by name; step 2 (a POST form) picks the subject among the matches,
gives the title, the summary and the team, and opens the case.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.forms import CaseStartForm, NewCaseForm
from hgkiemtra.cases.views import bp
from hgkiemtra.cases.views.common import kind_choices, org_choices, orgs_in_scope
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError, PermissionDenied
from hgkiemtra.denunciations.forms import DenouncerForm, intake_form
from hgkiemtra.denunciations.views import record_intake
from hgkiemtra.people import queries as people
from hgkiemtra.people.models import Organisation
from hgkiemtra.web.forms import options
from hgkiemtra.web.i18n import translate
from hgkiemtra.web.login import current_actor
from workflows import registry
from workflows.text import msg

Page = Response | tuple[str, int]


def opener_orgs(actor: Actor) -> list[tuple[int, str]]:
    """Active organisations in scope where the actor may open some kind of case."""
    openers = set().union(*(registry.for_kind(k).opener_roles for k in registry.kinds()))
    active = orgs_in_scope(actor, active_on=cases.local_today())
    return org_choices(actor, orgs=[o for o in active if actor.roles_for(o.path) & openers])


@bp.route("/cases/new", methods=["GET", "POST"])
def new_case() -> Page:
    actor = current_actor()
    orgs = opener_orgs(actor)
    if not orgs:
        raise PermissionDenied(msg("Vai trò của bạn không được lập hồ sơ"))
    source = request.form if request.method == "POST" else request.args
    start = CaseStartForm(source)
    start.kind.choices = options((k, translate(t)) for k, t in kind_choices())
    start.org_id.choices = options([("", _("— Chọn —")), *orgs])
    if source:
        start.validate()
    org = _chosen_org(start, orgs)
    form = NewCaseForm() if request.method == "POST" else NewCaseForm(formdata=None, data={
        "kind": start.kind.data, "org_id": org.id if org else None,
        "subject_type": start.subject_type.data,
        # Links such as the risk ranking's "plan an inspection" preselect these.
        "subject_id": request.args.get("subject_id", ""),
        "title": request.args.get("title", "")[:500],
    })
    if org is not None:
        form.fill_choices(_subjects(org, start), [(u.id, u.full_name) for u in
                                                  people.staff_for(org)])
    intake = intake_form(start.kind.data)  # the denouncer, for a denunciation
    valid = request.method == "POST" and org is not None and form.validate_on_submit()
    if valid and (intake is None or intake.validate()):
        opened = _open(actor, form, intake)
        if opened is not None:
            return opened
    status = 422 if request.method == "POST" else 200
    # An identity is never sent back in a page: a failed form must be typed again.
    forgotten = intake.forget() if intake is not None else False
    return render_template("cases/new.html", start=start, form=form, org=org, intake=intake,
                           intake_forgotten=forgotten), status


def _chosen_org(start: CaseStartForm, orgs: list[tuple[int, str]]) -> Organisation | None:
    value = start.org_id.data
    if not value or start.org_id.errors or not str(value).isdigit():
        return None
    if int(value) not in {i for i, _ in orgs}:
        return None
    return db.session.get(Organisation, int(value))


def _subjects(org: Organisation, start: CaseStartForm) -> list[tuple[int, str]]:
    q = start.subject_q.data or ""
    if start.subject_type.data == "organisation":
        return [(o.id, o.name) for o in people.organisations_below(org, q)]
    return [
        (m.id, f"{m.full_name} — {m.organisation.name}") for m in people.members_below(org, q)
    ]


def _open(actor: Actor, form: NewCaseForm, intake: DenouncerForm | None) -> Response | None:
    try:
        case = cases.open_case(
            actor,
            kind=form.kind.data,
            title=form.title.data or "",
            org_id=form.org_id.data,
            subject_type=form.subject_type.data,
            subject_id=int(form.subject_id.data),
            summary=(form.summary.data or "").strip(),
            anchor_on=form.anchor_on.data,
            team=[cases.TeamSeat(user_id, role) for user_id, role in form.team()],
        )
        record_intake(actor, case, intake)
    except (DomainError, ValueError) as exc:
        db.session.rollback()
        form.form_errors.append(getattr(exc, "message", str(exc)))
        return None
    db.session.commit()
    flash(_("Đã lập hồ sơ %(ref)s.", ref=case.reference), "success")
    return redirect(url_for("cases.show", case_id=case.id))
