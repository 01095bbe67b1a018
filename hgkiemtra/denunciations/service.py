"""Intake of the denouncer's identity, the pseudonym, and who may not handle the case.

The identity goes into the vault (one encrypted row per case) in the same
transaction as the case; the audit trail only learns that an identity was
recorded under a pseudonym. Functions flush; the caller commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from hgkiemtra.denunciations.models import DenouncerIdentity
from hgkiemtra.denunciations.vault import Identity, Vault
from hgkiemtra.people.models import Member, User
from workflows import registry
from workflows.text import msg

DENUNCIATION = "denunciation"
PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely
PSEUDONYM_LENGTH = 4
PSEUDONYM_LABEL = "Người tố cáo #%(code)s"
# Longest value of each identity field (characters).
LIMITS = {"full_name": 200, "address": 500, "phone": 40, "email": 255, "id_number": 40,
          "notes": 4000}
FIELD_LABELS = {"full_name": "Họ và tên", "address": "Địa chỉ", "phone": "Điện thoại",
                "email": "Thư điện tử", "id_number": "Số CMND/CCCD", "notes": "Ghi chú khác"}
# Audit events that leave the state as it is; the case page labels them.
EVENT_LABELS = {
    "denouncer_recorded": "Ghi nhận danh tính người tố cáo (đã mã hóa)",
    "reveal_requested": "Đề nghị xem danh tính người tố cáo",
    "reveal_approved": "Duyệt đề nghị xem danh tính người tố cáo",
    "reveal_refused": "Từ chối đề nghị xem danh tính người tố cáo",
    "denouncer_revealed": "Đã xem danh tính người tố cáo",
}


def pseudonym_label(code: str) -> str:
    return PSEUDONYM_LABEL % {"code": code}


def new_pseudonym() -> str:
    return "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(PSEUDONYM_LENGTH))


def clean_identity(identity: Identity) -> Identity:
    """Trimmed and checked; messages name the field, never its value."""
    values = {f.name: " ".join(str(getattr(identity, f.name) or "").split())
              if f.name != "notes" else str(identity.notes or "").strip()
              for f in fields(Identity)}
    if not values["full_name"]:
        raise ValidationFailed(msg("Họ và tên người tố cáo là bắt buộc"),
                               {"field": "denouncer.full_name"})
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            raise ValidationFailed(
                msg("{field} dài quá {limit} ký tự", field=FIELD_LABELS[name], limit=limit),
                {"field": f"denouncer.{name}", "max_length": limit},
            )
        if "\x00" in values[name]:
            raise ValidationFailed(msg("{field} chứa ký tự không hợp lệ", field=FIELD_LABELS[name]),
                                   {"field": f"denouncer.{name}"})
    return Identity(**values)


def record_identity(actor: Actor, case: Case, identity: Identity, vault: Vault,
                    now: datetime | None = None) -> DenouncerIdentity:
    """Encrypt and store the denouncer of ``case``: once per case, by someone who
    may open such a case there. The audit event carries the pseudonym only."""
    now = now or utcnow()
    if case.kind != DENUNCIATION:
        raise ValidationFailed(msg("Chỉ hồ sơ tố cáo mới có người tố cáo"), {"field": "denouncer"})
    if not actor.can_see(case.organisation.path):
        raise NotFound(msg("Không tìm thấy hồ sơ {case_id}", case_id=case.id))
    definition = registry.get(case.workflow_name, case.workflow_version)
    if not actor.roles_for(case.organisation.path) & definition.opener_roles:
        raise PermissionDenied(msg("Vai trò của bạn không được ghi nhận người tố cáo"))
    if identity_row(case.id) is not None:
        raise VersionConflict(msg("Hồ sơ đã có danh tính người tố cáo; không ghi đè"),
                              {"field": "denouncer"})
    ciphertext = vault.encrypt(clean_identity(identity))
    row = DenouncerIdentity(case_id=case.id, pseudonym=new_pseudonym(), ciphertext=ciphertext,
                            created_at=now, created_by_id=actor.user_id)
    with concurrent_change_guard():
        db.session.add(row)
        audit.record_in_place(case, event="denouncer_recorded", actor_id=actor.user_id,
                              actor_label=actor.label, occurred_at=now, note="",
                              data={"pseudonym": row.pseudonym})
        db.session.flush()
    return row


@contextmanager
def concurrent_change_guard() -> Iterator[None]:
    """A case changed (or a denouncer recorded) by someone else meanwhile: 409, not 500."""
    try:
        yield
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise VersionConflict(msg("Hồ sơ vừa được người khác cập nhật; hãy tải lại và thử lại")) \
            from None


def identity_row(case_id: int) -> DenouncerIdentity | None:
    return db.session.execute(
        sa.select(DenouncerIdentity).where(DenouncerIdentity.case_id == case_id)
    ).scalar_one_or_none()


def pseudonym_of(case: Case) -> str | None:
    """The pseudonym handlers see, or None (not a denunciation, or no identity given)."""
    if case.kind != DENUNCIATION:
        return None
    code = db.session.execute(
        sa.select(DenouncerIdentity.pseudonym).where(DenouncerIdentity.case_id == case.id)
    ).scalar_one_or_none()
    return None if code is None else pseudonym_label(code)


# --- who may not handle a denunciation ---------------------------------------


def assignment_conflicts(case: Case, user: User) -> str | None:
    """Why ``user`` may not be put on the team of denunciation ``case``, or None.

    The accused may not handle the denunciation against them, nor may anyone
    of the accused's organisation: the accused member's own organisation, or
    for an accused organisation that organisation and its subtree (domain §5,
    [S21]). Only users linked to a member record (``users.member_id``) can be
    recognised.
    """
    if case.kind != DENUNCIATION or user.member_id is None:
        return None
    # The relationships, not the id columns: at open_case they are not flushed yet.
    accused_member = case.subject_member
    if case.subject_type == "member" and accused_member is not None \
            and user.member_id == accused_member.id:
        return msg("{user} là người bị tố cáo: không được phân công giải quyết tố cáo đối với "
                   "chính mình", user=user.full_name)
    member = db.session.get(Member, user.member_id)
    if member is None:
        return None
    if case.subject_type == "organisation" and case.subject_org is not None:
        accused = case.subject_org
        inside = member.organisation.path.startswith(accused.path)
    elif accused_member is not None:
        accused = accused_member.organisation
        inside = member.org_id == accused.id
    else:
        return None
    if not inside:
        return None
    return msg("{user} sinh hoạt tại {org}, thuộc tổ chức của người bị tố cáo ({accused}): "
               "không được phân công giải quyết tố cáo này", user=user.full_name,
               org=member.organisation.name, accused=accused.name)


def refuse_assignment(case: Case, user_ids: Iterable[int]) -> None:
    """Raise ValidationFailed for the first seat ``assignment_conflicts`` refuses."""
    if case.kind != DENUNCIATION:
        return
    for user_id in user_ids:
        user = db.session.get(User, user_id)
        reason = assignment_conflicts(case, user) if user is not None else None
        if reason is not None:
            raise ValidationFailed(reason, {"field": "team", "user_id": user_id,
                                            "rule": "denunciation_accused_side"})
