"""Follow-up endpoints: the actions a conclusion requires, and the re-check case.

Each view parses, calls one service function, commits (writes only) and
answers with the action (its ``case_version`` is the case's new version) or,
for the re-check, the new case.
"""

from __future__ import annotations

from flask import Response, url_for

from hgkiemtra.api import bp
from hgkiemtra.api.auth import current_actor
from hgkiemtra.api.cases import _case_id, case_representation
from hgkiemtra.api.followup_schemas import (
    ActionCreate,
    ActionDone,
    ActionListOut,
    ActionOut,
    ActionUpdate,
    ActionWaive,
    RecheckOpen,
    UserRef,
)
from hgkiemtra.api.parsing import json_body
from hgkiemtra.api.representations import OrgRef
from hgkiemtra.api.schemas import INT32_MAX
from hgkiemtra.api.serialize import respond
from hgkiemtra.cases import service as cases
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import NotFound
from hgkiemtra.followup import recheck
from hgkiemtra.followup import service as followup
from hgkiemtra.followup.models import FollowUpAction
from hgkiemtra.followup.validation import ActionInput

CLEARABLE = ("owner_user_id", "owner_org_id", "amount_vnd")


def action_out(action: FollowUpAction, case_version: int) -> ActionOut:
    user, org = action.owner_user, action.owner_org
    return ActionOut(
        id=action.id, case_id=action.case_id, case_version=case_version,
        kind=action.kind,  # type: ignore[arg-type]  # the table's check constraint
        kind_label=followup.KIND_LABELS[action.kind], description=action.description,
        owner_user=UserRef(id=user.id, name=user.full_name) if user else None,
        owner_org=OrgRef(id=org.id, name=org.name) if org else None,
        due_on=action.due_on, overdue=action.is_overdue(cases.local_today()),
        amount_vnd=action.amount_vnd, done_on=action.done_on,
        status=action.status,  # type: ignore[arg-type]  # the table's check constraint
        done_note=action.done_note or "", recovered_vnd=action.recovered_vnd,
        waived_reason=action.waived_reason or "", waived_by_user_id=action.waived_by_user_id,
        created_at=action.created_at, created_by_user_id=action.created_by_user_id,
    )


def _action_id(action_id: int) -> int:
    if action_id > INT32_MAX:
        raise NotFound(f"Không tìm thấy việc {action_id}")
    return action_id


def _answer(action: FollowUpAction, status: int = 200) -> Response:
    db.session.commit()
    case = cases.get_case(current_actor(), action.case_id)
    response = respond(action_out(action, case.version), status)
    if status == 201:
        response.headers["Location"] = url_for("api.get_followup_action", case_id=case.id,
                                               action_id=action.id)
    return response


@bp.get("/cases/<int:case_id>/actions")
def list_followup_actions(case_id: int) -> Response:
    actor = current_actor()
    case = cases.get_case(actor, _case_id(case_id))
    today = cases.local_today()
    items = followup.actions_of(case.id)
    refusal = followup.add_refusal(case)
    return respond(ActionListOut(
        case_id=case.id, case_version=case.version, can_add=refusal is None,
        add_refusal=refusal, open=sum(a.status == "open" for a in items),
        overdue=sum(a.is_overdue(today) for a in items),
        items=[action_out(a, case.version) for a in items],
    ))


@bp.post("/cases/<int:case_id>/actions")
def add_followup_action(case_id: int) -> Response:
    body = json_body(ActionCreate)
    action = followup.add_action(
        current_actor(), _case_id(case_id),
        ActionInput(kind=body.kind, description=body.description, due_on=body.due_on,
                    owner_user_id=body.owner_user_id, owner_org_id=body.owner_org_id,
                    amount_vnd=body.amount_vnd),
        expected_version=body.version)
    return _answer(action, 201)


@bp.get("/cases/<int:case_id>/actions/<int:action_id>")
def get_followup_action(case_id: int, action_id: int) -> Response:
    actor = current_actor()
    action = followup.get_action(actor, _case_id(case_id), _action_id(action_id))
    return respond(action_out(action, cases.get_case(actor, action.case_id).version))


@bp.patch("/cases/<int:case_id>/actions/<int:action_id>")
def edit_followup_action(case_id: int, action_id: int) -> Response:
    body = json_body(ActionUpdate)
    actor = current_actor()
    current = followup.get_action(actor, _case_id(case_id), _action_id(action_id))
    given = body.model_fields_set
    merged = {name: getattr(body, name) if name in given and (
        name in CLEARABLE or getattr(body, name) is not None) else getattr(current, name)
        for name in ("kind", "description", "due_on", *CLEARABLE)}
    action = followup.edit_action(actor, current.case_id, current.id, ActionInput(**merged),
                                  expected_version=body.version)
    return _answer(action)


@bp.post("/cases/<int:case_id>/actions/<int:action_id>/done")
def complete_followup_action(case_id: int, action_id: int) -> Response:
    body = json_body(ActionDone)
    action = followup.complete_action(
        current_actor(), _case_id(case_id), _action_id(action_id), note=body.note,
        done_on=body.done_on, recovered_vnd=body.recovered_vnd, expected_version=body.version)
    return _answer(action)


@bp.post("/cases/<int:case_id>/actions/<int:action_id>/waive")
def waive_followup_action(case_id: int, action_id: int) -> Response:
    body = json_body(ActionWaive)
    action = followup.waive_action(current_actor(), _case_id(case_id), _action_id(action_id),
                                   reason=body.reason, expected_version=body.version)
    return _answer(action)


@bp.post("/cases/<int:case_id>/recheck")
def open_followup_recheck(case_id: int) -> Response:
    body = json_body(RecheckOpen)
    actor = current_actor()
    child = recheck.open_recheck(actor, _case_id(case_id), note=body.note,
                                 expected_version=body.version)
    db.session.commit()
    response = respond(case_representation(actor, child), 201)
    response.headers["Location"] = url_for("api.get_case", case_id=child.id)
    return response
