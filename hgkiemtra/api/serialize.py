"""ORM objects -> response models (see representations.py)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from flask import Response, jsonify
from pydantic import BaseModel

from hgkiemtra.api import representations as rep
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.audit import Break
from hgkiemtra.cases.links import LinkView
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.denunciations.service import pseudonym_of
from hgkiemtra.people.models import Member, Organisation, User
from workflows.engine import ROLE_LABELS_VI, EventCheck, FieldSpec, Role, WorkflowDefinition


def respond(model: BaseModel, status: int = 200) -> Response:
    response = jsonify(model.model_dump(mode="json"))
    response.status_code = status
    return response


def case_summary(case: Case, is_overdue: bool) -> rep.CaseSummaryOut:
    definition = cases.definition_of(case)
    return rep.CaseSummaryOut(**_case_fields(case, definition, is_overdue))


def case_full(
    case: Case, checks: list[EventCheck], deadlines: list[Deadline], today: date,
    linked: list[LinkView] | None = None,
) -> rep.CaseOut:
    definition = cases.definition_of(case)
    shown = [deadline_out(d, today) for d in deadlines]
    return rep.CaseOut(
        **_case_fields(case, definition, any(d.overdue for d in shown)),
        allowed_events=[allowed_event(c) for c in checks],
        deadlines=shown,
        links=[rep.CaseLinkOut(kind=v.kind, case_id=v.case.id, reference=v.case.reference,
                               direction=v.direction)  # type: ignore[arg-type]
               for v in linked or []],
        denouncer=_denouncer(case),
    )


def _denouncer(case: Case) -> rep.DenouncerRef | None:
    pseudonym = pseudonym_of(case)
    return rep.DenouncerRef(pseudonym=pseudonym) if pseudonym else None


def _case_fields(case: Case, definition: WorkflowDefinition, is_overdue: bool) -> dict[str, Any]:
    return {
        "id": case.id,
        "reference": case.reference,
        "kind": case.kind,
        "title": case.title,
        "summary": case.summary or "",
        "workflow": rep.WorkflowRef(name=case.workflow_name, version=case.workflow_version),
        "state": case.state,
        "state_label": definition.state(case.state).label,
        "phase": case.phase,
        "version": case.version,
        "subject": rep.SubjectOut(
            type=case.subject_type,  # type: ignore[arg-type]
            id=case.subject_member_id or case.subject_org_id or 0,
            name=case.subject_name,
        ),
        "org": org_ref(case.organisation),
        "team": [
            rep.TeamSeatOut(
                user_id=seat.user_id,
                name=seat.user.full_name,
                role=seat.team_role,  # type: ignore[arg-type]
            )
            for seat in case.team
        ],
        "data": dict(case.data or {}),
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "overdue": is_overdue,
    }


def org_ref(org: Organisation) -> rep.OrgRef:
    return rep.OrgRef(id=org.id, name=org.name)


def field_out(spec: FieldSpec) -> rep.FieldOut:
    return rep.FieldOut(
        name=spec.name,
        type=spec.type,
        label=spec.label,
        required=spec.required,
        choices=list(spec.choices),
    )


def allowed_event(check: EventCheck) -> rep.AllowedEventOut:
    event = check.event
    return rep.AllowedEventOut(
        event=event.name,
        label=event.label,
        destination=event.dest,
        allowed=check.allowed,
        reasons=list(check.reasons),
        fields=[field_out(f) for f in event.fields],
        requires_note=event.requires_note,
    )


def deadline_out(deadline: Deadline, today: date) -> rep.DeadlineOut:
    return rep.DeadlineOut(
        id=deadline.id,
        rule=deadline.rule,
        label=deadline.label,
        state=deadline.state,
        anchor_on=deadline.anchor_on,
        due_on=deadline.due_on,
        amount=deadline.amount,
        unit=deadline.unit,
        rule_set=deadline.rule_set,
        status=deadline.status,  # type: ignore[arg-type]
        overdue=deadline.status == "open" and deadline.paused_since is None
        and deadline.due_on < today,
        paused_since=deadline.paused_since,
        paused_days=deadline.paused_days,
        closed_at=deadline.closed_at,
        explanation=deadline.explanation,
        citation=deadline.citation,
        extensions=[
            rep.DeadlineExtensionOut(
                old_due_on=e.old_due_on, new_due_on=e.new_due_on,
                decision_reference=e.decision_reference, approver_id=e.approver_id,
                reason=e.reason, created_at=e.created_at,
            )
            for e in deadline.extensions
        ],
        pauses=[
            rep.DeadlinePauseOut(paused_on=p.paused_on, resumed_on=p.resumed_on, days=p.days,
                                 reason=p.reason)
            for p in deadline.pauses
        ],
    )


def history(events: list[CaseEvent], problem: Break | None) -> rep.HistoryOut:
    return rep.HistoryOut(
        items=[
            rep.HistoryItem(
                seq=e.seq,
                event=e.event,
                from_state=e.from_state,
                to_state=e.to_state,
                actor=rep.HistoryActor(id=e.actor_id, label=e.actor_label),
                occurred_at=e.occurred_at,
                note=e.note,
                data=dict(e.data or {}),
                prev_hash=e.prev_hash,
                hash=e.hash,
            )
            for e in events
        ],
        chain_valid=problem is None,
        chain_break=None if problem is None else f"seq {problem.seq}: {problem.reason}",
    )


def workflow(definition: WorkflowDefinition) -> rep.WorkflowOut:
    return rep.WorkflowOut.model_validate(definition.describe())


def organisation(org: Organisation, today: date) -> rep.OrganisationOut:
    return rep.OrganisationOut(
        id=org.id,
        code=org.code,
        name=org.name,
        level=org.level,
        parent_id=org.parent_id,
        path=org.path,
        valid_from=org.valid_from,
        valid_to=org.valid_to,
        successor_id=org.successor_id,
        is_active=org.is_active_on(today),
    )


def member(obj: Member) -> rep.MemberOut:
    return rep.MemberOut(
        id=obj.id,
        full_name=obj.full_name,
        status=obj.status,
        org=org_ref(obj.organisation),
        birth_year=obj.birth_year,
        joined_on=obj.joined_on,
        positions=list(obj.positions or []),
    )


def me(user: User) -> rep.MeOut:
    return rep.MeOut(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        locale=user.locale,
        member_id=user.member_id,
        roles=[
            rep.RoleOut(
                role=a.role,
                label=ROLE_LABELS_VI.get(Role(a.role), a.role),
                org=org_ref(a.organisation),
            )
            for a in user.roles
        ],
    )


def page_numbers(page: int, per_page: int, total: int) -> dict[str, int]:
    return {
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": math.ceil(total / per_page),
    }
