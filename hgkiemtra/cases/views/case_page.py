"""The case page: subject, facts, team, progress, deadlines, documents,
the timeline of audit events and the buttons for the next steps."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit, diagrams, presenters, queries
from hgkiemtra.cases import documents as docs
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.forms import UploadForm
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.views import bp, teams
from hgkiemtra.cases.views.common import can_write, load_case, max_upload_bytes
from hgkiemtra.core.db import db
from hgkiemtra.people.models import User
from hgkiemtra.web.login import current_actor
from workflows.engine import PHASE_LABELS_VI, Phase

TEAM_ROLE_LABELS = {"leader": "Trưởng đoàn", "member": "Thành viên", "directing": "Ủy viên chỉ đạo"}
MEMBER_STATUS_LABELS = {"full": "Đảng viên chính thức", "probationary": "Đảng viên dự bị"}


@bp.get("/cases/<int:case_id>")
def show(case_id: int) -> str:
    actor = current_actor()
    return render_case(actor, load_case(actor, case_id))


def render_case(
    actor: Actor, case: Case, upload_form: UploadForm | None = None, status: int = 200
) -> tuple[str, int]:
    definition = cases.definition_of(case)
    events = cases.history(actor, case.id)
    today = cases.local_today()
    documents = docs.list_documents(actor, case.id)
    if upload_form is None:
        upload_form = UploadForm(formdata=None)
    upload_form.fill_choices()
    page = render_template(
        "cases/case.html",
        case=case,
        definition=definition,
        state=definition.state(case.state),
        phase_label=PHASE_LABELS_VI[Phase(case.phase)],
        steps=presenters.phase_steps(definition, case, events),
        deadlines=[presenters.countdown(d, today)
                   for d in queries.case_deadlines(case.id, with_changes=False)],
        facts=presenters.case_facts(definition, events),
        timeline=presenters.timeline(definition, events),
        chain_problem=audit.verify_case(case, events),
        actions=presenters.split_actions(cases.allowed_events(actor, case)),
        guard_reasons=presenters.guard_reasons,
        documents=documents,
        uploaders=_names({d.uploaded_by_id for d in documents}),
        upload_form=upload_form if can_write(actor, case) else None,
        max_upload_mb=max_upload_bytes() // (1024 * 1024),
        doc_types=docs.DOC_TYPES,
        team_roles=TEAM_ROLE_LABELS,
        team=teams.team_panel(actor, case),
        link_panel=teams.link_panel(actor, case),
        member_statuses=MEMBER_STATUS_LABELS,
        diagram=diagrams.diagram(definition, case, events),
    )
    return page, status


def _names(user_ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}
