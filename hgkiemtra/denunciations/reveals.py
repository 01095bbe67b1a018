"""Reading a denouncer's identity: request with a reason, a custodian's decision, one reveal.

Two people every time: the requester (a handler of the case or a custodian)
gives a reason; a custodian over the case's organisation who is not the
requester approves or refuses, with a reason; only then may the requester
read the identity, once, within ``REVEAL_WINDOW``. The request, the decision
and the reveal are audit events of the case carrying reasons and request ids,
never the identity. The accused's side may neither request nor approve.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed
from hgkiemtra.denunciations import custodians
from hgkiemtra.denunciations.models import DenouncerIdentity, RevealRequest
from hgkiemtra.denunciations.service import (
    DENUNCIATION,
    assignment_conflicts,
    concurrent_change_guard,
    identity_row,
)
from hgkiemtra.denunciations.vault import Identity, Vault
from hgkiemtra.people.models import Organisation, User
from workflows.engine import Role
from workflows.text import msg

REVEAL_WINDOW = timedelta(hours=24)
REQUESTER_ROLES = frozenset({Role.CHAIR, Role.MEMBER, Role.INSPECTOR})
REASON_MAX = 4000


def case_with_identity(actor: Actor, case_id: int) -> tuple[Case, DenouncerIdentity]:
    """The denunciation in scope and its vault row, or NotFound."""
    case = db.session.get(Case, case_id)
    if case is None or not actor.can_see(case.organisation.path):
        raise NotFound(msg("Không tìm thấy hồ sơ {case_id}", case_id=case_id))
    row = identity_row(case.id) if case.kind == DENUNCIATION else None
    if row is None:
        raise NotFound(msg("Hồ sơ này không có danh tính người tố cáo được lưu"))
    return case, row


def is_expired(request: RevealRequest, now: datetime | None = None) -> bool:
    return (request.status == "approved" and request.decided_at is not None
            and request.decided_at + REVEAL_WINDOW <= (now or utcnow()))


def shown_status(request: RevealRequest, now: datetime | None = None) -> str:
    return "expired" if is_expired(request, now) else request.status


def request_reveal(actor: Actor, case_id: int, reason: str,
                   now: datetime | None = None) -> RevealRequest:
    now = now or utcnow()
    case, _ = case_with_identity(actor, case_id)
    if not (actor.roles_for(case.organisation.path) & REQUESTER_ROLES
            or custodians.is_custodian_for(actor.user_id, case)):
        raise PermissionDenied(msg("Vai trò của bạn không được đề nghị xem danh tính người tố cáo"))
    _refuse_accused_side(actor, case)
    reason = _reason(reason)
    if any(r.requested_by_id == actor.user_id and _is_open(r, now) for r in requests_of(case.id)):
        raise ValidationFailed(msg("Bạn đã có một đề nghị đang chờ duyệt hoặc đã được duyệt mà "
                                   "chưa xem"), {"field": "reason"})
    row = RevealRequest(case_id=case.id, requested_by_id=actor.user_id, requested_at=now,
                        reason=reason, status="pending")
    db.session.add(row)
    db.session.flush()
    _audit(case, actor, "reveal_requested", now, reason, {"request_id": row.id})
    return row


def decide(actor: Actor, case_id: int, request_id: int, *, approve: bool, reason: str,
           now: datetime | None = None) -> RevealRequest:
    """A custodian over the case (not the requester) approves or refuses."""
    now = now or utcnow()
    case, _ = case_with_identity(actor, case_id)
    request = _request(case, request_id)
    if not custodians.is_custodian_for(actor.user_id, case):
        raise PermissionDenied(msg("Chỉ người giữ khóa được chỉ định cho tổ chức này mới được "
                                   "duyệt đề nghị xem danh tính người tố cáo"))
    if request.requested_by_id == actor.user_id:
        raise PermissionDenied(msg("Không được tự duyệt đề nghị của chính mình: cần một người "
                                   "giữ khóa khác"))
    _refuse_accused_side(actor, case)
    if request.status != "pending":
        raise ValidationFailed(msg("Đề nghị này đã được xử lý"), {"status": request.status})
    reason = _reason(reason)
    request.status = "approved" if approve else "refused"
    request.decided_by_id = actor.user_id
    request.decided_at = now
    request.decision_reason = reason
    event = "reveal_approved" if approve else "reveal_refused"
    _audit(case, actor, event, now, reason,
           {"request_id": request.id, "requested_by": request.requested_by_id})
    return request


def reveal(actor: Actor, case_id: int, request_id: int, vault: Vault,
           now: datetime | None = None) -> Identity:
    """The decrypted identity, for the requester of an approved, unused, unexpired request."""
    now = now or utcnow()
    case, row = case_with_identity(actor, case_id)
    request = _request(case, request_id)
    if request.requested_by_id != actor.user_id:
        raise PermissionDenied(msg("Chỉ người đã đề nghị mới được xem, sau khi được duyệt"))
    if request.status == "revealed":
        raise ValidationFailed(msg("Phê duyệt này đã được dùng (xem một lần); muốn xem lại hãy "
                                   "gửi đề nghị mới"), {"status": request.status})
    if request.status != "approved":
        raise PermissionDenied(msg("Đề nghị chưa được người giữ khóa duyệt"),
                               {"status": request.status})
    if is_expired(request, now):
        raise ValidationFailed(msg("Phê duyệt đã hết hiệu lực (24 giờ); hãy gửi đề nghị mới"),
                               {"status": "expired"})
    _refuse_accused_side(actor, case)
    identity = vault.decrypt(row.ciphertext)
    request.status = "revealed"
    request.revealed_at = now
    _audit(case, actor, "denouncer_revealed", now, "", {"request_id": request.id})
    return identity


def requests_of(case_id: int) -> list[RevealRequest]:
    return list(db.session.scalars(
        sa.select(RevealRequest).where(RevealRequest.case_id == case_id)
        .order_by(RevealRequest.requested_at.desc(), RevealRequest.id.desc())
    ))


def pending_for(actor: Actor) -> list[RevealRequest]:
    """Pending requests the actor may decide: cases under their custodianship, in scope."""
    paths = custodians.custodian_paths(actor.user_id)
    if not paths:
        return []
    under = sa.or_(*(Organisation.path.startswith(p, autoescape=True) for p in paths))
    rows = db.session.scalars(
        sa.select(RevealRequest)
        .join(Case, Case.id == RevealRequest.case_id)
        .join(Organisation, Organisation.id == Case.org_id)
        .where(RevealRequest.status == "pending", under,
               RevealRequest.requested_by_id != actor.user_id)
        .order_by(RevealRequest.requested_at)
    )
    return [r for r in rows if actor.can_see(_case(r).organisation.path)]


def may_decide(actor: Actor, case: Case) -> bool:
    return custodians.is_custodian_for(actor.user_id, case)


def _case(request: RevealRequest) -> Case:
    case = db.session.get(Case, request.case_id)
    assert case is not None  # a foreign key
    return case


def _request(case: Case, request_id: int) -> RevealRequest:
    request = db.session.get(RevealRequest, request_id)
    if request is None or request.case_id != case.id:
        raise NotFound(
            msg("Không có đề nghị số {request_id} trong hồ sơ này", request_id=request_id)
        )
    return request


def _is_open(request: RevealRequest, now: datetime) -> bool:
    return request.status == "pending" or (request.status == "approved"
                                           and not is_expired(request, now))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(msg("Hãy nêu lý do"), {"field": "reason"})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            msg("Lý do dài quá {reason_max} ký tự", reason_max=REASON_MAX), {"field": "reason"}
        )
    return reason


def _refuse_accused_side(actor: Actor, case: Case) -> None:
    user = db.session.get(User, actor.user_id) if actor.user_id is not None else None
    conflict = assignment_conflicts(case, user) if user is not None else None
    if conflict is not None:
        raise PermissionDenied(conflict)


def _audit(case: Case, actor: Actor, event: str, now: datetime, note: str,
           data: dict[str, object]) -> None:
    with concurrent_change_guard():
        audit.record_in_place(case, event=event, actor_id=actor.user_id,
                              actor_label=actor.label, occurred_at=now, note=note, data=data)
        db.session.flush()

