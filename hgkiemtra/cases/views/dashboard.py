"""The dashboard at /: what needs the signed-in user's attention, by role."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from hgkiemtra.cases import dashboard as numbers
from hgkiemtra.cases import votes
from hgkiemtra.cases.presenters import countdown
from hgkiemtra.cases.service import definition_of, local_today
from hgkiemtra.cases.views import bp
from hgkiemtra.programmes import progress as programme_numbers
from hgkiemtra.web.login import current_actor
from workflows.engine import Phase, Role

COMMITTEE = frozenset({Role.ADMIN, Role.CHAIR, Role.MEMBER})
REVIEW_STATE = "committee_review"  # the report is before the committee


@bp.get("/")
def dashboard() -> str:
    actor = current_actor()
    roles = {role for role, _ in actor.scopes}
    today = local_today()
    context: dict[str, object] = {
        "is_committee": bool(roles & COMMITTEE),
        "is_inspector": Role.INSPECTOR in roles,
        "is_viewer_only": roles == {Role.VIEWER},
        "state_label": lambda c: definition_of(c).state(c.state).label,
    }
    if roles & (COMMITTEE | {Role.INSPECTOR}):
        context["my_cases"] = numbers.my_cases(actor, current_user.id)
        context["my_deadlines"] = [
            (countdown(d, today), c) for d, c in numbers.my_next_deadlines(actor, current_user.id)
        ]
    if roles & (COMMITTEE | {Role.VIEWER}):
        context["counts"] = numbers.phase_counts(actor, today)
        context["in_review"] = numbers.cases_in_state(actor, REVIEW_STATE)
        context["in_discipline"] = numbers.cases_in_phase(actor, Phase.DISCIPLINE.value)
        # Programme progress and the year's targets (hgkiemtra/programmes).
        context["programme_year"] = today.year
        context["programme_progress"] = programme_numbers.dashboard_programmes(actor, today.year)
        context["target_progress"] = programme_numbers.dashboard_targets(actor, today.year)
    if roles & votes.VOTER_ROLES:
        context["awaiting_vote"] = votes.cases_awaiting_vote(actor)
    return render_template("cases/dashboard.html", **context)
