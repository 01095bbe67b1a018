"""API routes of the vault: record a denouncer, read the pseudonym, request,
decide and use a reveal. Imported by api/__init__.py."""

from __future__ import annotations

from flask import Response, current_app, url_for
from pydantic import BaseModel

from hgkiemtra.api import bp
from hgkiemtra.api.auth import current_actor
from hgkiemtra.api.denouncer_schemas import (
    DenouncerIdentityOut,
    DenouncerIn,
    DenouncerOut,
    RevealConfirmIn,
    RevealReasonIn,
    RevealRequestOut,
    UserRef,
)
from hgkiemtra.api.parsing import json_body
from hgkiemtra.api.schemas import INT32_MAX
from hgkiemtra.api.serialize import respond
from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import NotFound
from hgkiemtra.denunciations import reveals, service
from hgkiemtra.denunciations.models import RevealRequest
from hgkiemtra.denunciations.vault import Vault

BASE = "/cases/<int:case_id>/denouncer"


def current_vault() -> Vault:
    return Vault.from_settings(current_app.config["SETTINGS"])


def _id(value: int) -> int:
    if value > INT32_MAX:
        raise NotFound(f"Không tìm thấy {value}")
    return value


def request_out(request: RevealRequest) -> RevealRequestOut:
    decider = request.decider
    approved_at = request.decided_at if request.status in ("approved", "revealed") else None
    return RevealRequestOut(
        id=request.id, case_id=request.case_id,
        status=reveals.shown_status(request),  # type: ignore[arg-type]
        requested_by=UserRef(id=request.requester.id, name=request.requester.full_name),
        requested_at=request.requested_at, reason=request.reason,
        decided_by=UserRef(id=decider.id, name=decider.full_name) if decider else None,
        decided_at=request.decided_at, decision_reason=request.decision_reason,
        revealed_at=request.revealed_at,
        expires_at=approved_at + reveals.REVEAL_WINDOW if approved_at else None,
    )


def denouncer_out(actor: Actor, case_id: int) -> DenouncerOut:
    case, row = reveals.case_with_identity(actor, case_id)
    return DenouncerOut(
        case_id=case.id, pseudonym=service.pseudonym_label(row.pseudonym),
        recorded_at=row.created_at, may_decide=reveals.may_decide(actor, case),
        requests=[request_out(r) for r in reveals.requests_of(case.id)],
    )


@bp.post(BASE)
def record_denouncer(case_id: int) -> Response:
    body = json_body(DenouncerIn)
    actor = current_actor()
    case = cases.get_case(actor, _id(case_id))
    service.record_identity(actor, case, body.identity(), current_vault())
    db.session.commit()
    return _created(denouncer_out(actor, case.id), case.id)


@bp.get(BASE)
def get_denouncer(case_id: int) -> Response:
    return respond(denouncer_out(current_actor(), _id(case_id)))


@bp.post(BASE + "/reveal-requests")
def request_reveal(case_id: int) -> Response:
    body = json_body(RevealReasonIn)
    request = reveals.request_reveal(current_actor(), _id(case_id), body.reason)
    db.session.commit()
    return _created(request_out(request), request.case_id)


def _created(model: BaseModel, case_id: int) -> Response:
    response = respond(model, 201)
    response.headers["Location"] = url_for("api.get_denouncer", case_id=case_id)
    return response


@bp.post(BASE + "/reveal-requests/<int:request_id>/approve")
def approve_reveal(case_id: int, request_id: int) -> Response:
    return _decide(case_id, request_id, approve=True)


@bp.post(BASE + "/reveal-requests/<int:request_id>/refuse")
def refuse_reveal(case_id: int, request_id: int) -> Response:
    return _decide(case_id, request_id, approve=False)


def _decide(case_id: int, request_id: int, *, approve: bool) -> Response:
    body = json_body(RevealReasonIn)
    request = reveals.decide(current_actor(), _id(case_id), _id(request_id), approve=approve,
                             reason=body.reason)
    db.session.commit()
    return respond(request_out(request))


@bp.post(BASE + "/reveal-requests/<int:request_id>/reveal")
def reveal_denouncer(case_id: int, request_id: int) -> Response:
    json_body(RevealConfirmIn)
    actor = current_actor()
    identity = reveals.reveal(actor, _id(case_id), _id(request_id), current_vault())
    _, row = reveals.case_with_identity(actor, case_id)
    db.session.commit()
    response = respond(DenouncerIdentityOut(
        case_id=case_id, request_id=request_id, pseudonym=service.pseudonym_label(row.pseudonym),
        full_name=identity.full_name, address=identity.address, phone=identity.phone,
        email=identity.email, id_number=identity.id_number, notes=identity.notes,
    ))
    response.headers["Cache-Control"] = "no-store"
    return response
