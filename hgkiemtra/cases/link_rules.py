"""When a user may open a linked case by hand, where, and about whom.

Four kinds of request (``OPEN_KINDS``), each recorded as a ``CaseLink``:

- ``inspection``: a denunciation whose conclusion found it correct (wholly
  or partly) opens an inspection on signs of violation (link
  ``spawned_inspection``). An anonymous letter kept as information already
  has its own step (``propose_inspection``, denunciation v2).
- ``discipline``: any case that reached its findings, unless they cleared
  the subject, opens a discipline case about the same subject
  (``discipline_of``).
- ``escalation``: a discipline complaint the body passed up (state
  ``escalated``) opens the complaint at the next level, owned by the parent
  organisation (``escalated_to``).
- ``member_case``: a case about an organisation opens inspections or
  discipline cases about the members responsible, one per member of that
  organisation or its subtree (``member_case``).

Each function returns the reason it is refused, or None; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from hgkiemtra.cases.models import Case, CaseEvent, CaseLink
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import ValidationFailed
from hgkiemtra.people.models import Member, Organisation
from workflows import registry
from workflows.engine import Phase
from workflows.text import msg

# The request's kind -> the kind of case opened (None: chosen by the user) and the link.
OPEN_KINDS: dict[str, tuple[str | None, str]] = {
    "inspection": ("inspection_violation", "spawned_inspection"),
    "discipline": ("discipline", "discipline_of"),
    "escalation": ("discipline_complaint", "escalated_to"),
    "member_case": (None, "member_case"),
}
MEMBER_CASE_KINDS = ("inspection_violation", "discipline")
MAX_MEMBERS = 50
# Denunciation outcomes that found a violation.
DENUNCIATION_FOUND = ("correct", "partly_correct")
# Outcomes that cleared the subject (no violation): nothing warrants discipline.
CLEARING_OUTCOMES = frozenset({"no_violation", "honest", "good", "incorrect",
                               "false_accusation"})
FINDING_PHASES = frozenset({Phase.FINDINGS, Phase.DISCIPLINE, Phase.FOLLOW_UP})
NO_DISCIPLINE_FROM = ("discipline", "discipline_complaint")


@dataclass(frozen=True)
class Plan:
    """What ``open_linked`` will open: the kind, where, and the subjects."""

    target_kind: str
    link_kind: str
    org: Organisation
    subjects: tuple[tuple[str, int, str], ...]  # (subject type, id, name)


def target_org(parent: Case, kind: str) -> Organisation:
    """Where the linked case is owned: the parent's organisation, or the next level up."""
    if kind != "escalation":
        return parent.organisation
    upper = parent.organisation.parent
    if upper is None:
        raise ValidationFailed(msg("Tổ chức quản lý hồ sơ không có cấp trên để chuyển khiếu nại"),
                               {"field": "kind"})
    return upper


def refusal(parent: Case, kind: str) -> str | None:
    """Why ``kind`` cannot be opened from ``parent`` now (subjects aside), or None."""
    if kind not in OPEN_KINDS:
        return msg("Loại liên kết không hợp lệ: {kind}", kind=kind)
    check = {"inspection": _inspection, "discipline": _discipline,
             "escalation": _escalation, "member_case": _member_case}[kind]
    return check(parent)


def _inspection(parent: Case) -> str | None:
    if parent.kind != "denunciation":
        return msg("Chỉ mở hồ sơ kiểm tra liên kết từ hồ sơ giải quyết tố cáo")
    if parent.state == "kept_as_information":
        return msg("Đơn đang lưu làm thông tin: dùng bước “Đề nghị kiểm tra khi có dấu hiệu vi "
                   "phạm”")
    if (parent.data or {}).get("outcome") not in DENUNCIATION_FOUND:
        return msg("Chỉ mở kiểm tra khi kết luận tố cáo đúng hoặc đúng một phần")
    return _already(parent, "spawned_inspection", msg("hồ sơ kiểm tra"))


def _discipline(parent: Case) -> str | None:
    if parent.kind in NO_DISCIPLINE_FROM:
        return msg("Hồ sơ kỷ luật, khiếu nại kỷ luật không mở thêm hồ sơ kỷ luật liên kết")
    if not reached_findings(parent):
        return msg("Hồ sơ chưa có kết quả, kết luận: chưa có căn cứ xem xét kỷ luật")
    if (parent.data or {}).get("outcome") in CLEARING_OUTCOMES:
        return msg("Kết luận không có vi phạm: không có căn cứ xem xét kỷ luật")
    return _already(parent, "discipline_of", msg("hồ sơ kỷ luật"))


def _escalation(parent: Case) -> str | None:
    if parent.kind != "discipline_complaint":
        return msg("Chỉ chuyển cấp trên từ hồ sơ khiếu nại kỷ luật")
    if parent.state != "escalated":
        return msg("Khiếu nại chưa được chuyển cấp trên (bước “Chuyển cấp trên”)")
    if parent.organisation.parent is None:
        return msg("Tổ chức quản lý hồ sơ không có cấp trên để chuyển khiếu nại")
    return _already(parent, "escalated_to", msg("hồ sơ khiếu nại ở cấp trên"))


def _member_case(parent: Case) -> str | None:
    if parent.subject_type != "organisation":
        return msg("Chỉ mở hồ sơ đối với đảng viên từ hồ sơ có đối tượng là tổ chức đảng")
    if not reached_findings(parent):
        return msg("Hồ sơ chưa có kết quả, kết luận: chưa xác định đảng viên có trách nhiệm")
    return None


def _already(parent: Case, link_kind: str, what: str) -> str | None:
    found = db.session.execute(
        sa.select(CaseLink.id).where(CaseLink.from_case_id == parent.id,
                                     CaseLink.kind == link_kind).limit(1)
    ).first()
    return msg("Đã có {what} liên kết từ hồ sơ này", what=what) if found else None


def reached_findings(case: Case) -> bool:
    """The case is, or has been, at its findings (a conclusion, a report, a ruling)."""
    definition = registry.get(case.workflow_name, case.workflow_version)
    if definition.phase_of(case.state) in FINDING_PHASES:
        return True
    states = db.session.execute(
        sa.select(CaseEvent.to_state).where(CaseEvent.case_id == case.id).distinct()
    ).scalars()
    return any(definition.phase_of(s) in FINDING_PHASES for s in states
               if s in definition.state_map)


def plan(parent: Case, kind: str, target_kind: str | None,
         member_ids: Sequence[int]) -> Plan:
    """The cases to open, or ValidationFailed with the reason."""
    reason = refusal(parent, kind)
    if reason is not None:
        raise ValidationFailed(reason, {"field": "kind"})
    default_kind, link_kind = OPEN_KINDS[kind]
    org = target_org(parent, kind)
    if kind != "member_case":
        if member_ids or (target_kind and target_kind != default_kind):
            raise ValidationFailed(msg("Chỉ chọn loại hồ sơ và đảng viên khi mở hồ sơ đối với "
                                       "đảng viên"), {"field": "member_ids"})
        subject = (parent.subject_type, parent.subject_member_id or parent.subject_org_id or 0,
                   parent.subject_name)
        return Plan(default_kind or "", link_kind, org, (subject,))
    if target_kind not in MEMBER_CASE_KINDS:
        raise ValidationFailed(msg("Loại hồ sơ đối với đảng viên phải là kiểm tra khi có dấu hiệu "
                                   "vi phạm hoặc xem xét kỷ luật"), {"field": "target_kind"})
    return Plan(target_kind, link_kind, org, _members(parent, target_kind, member_ids))


def _members(parent: Case, target_kind: str,
             member_ids: Sequence[int]) -> tuple[tuple[str, int, str], ...]:
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        raise ValidationFailed(msg("Hãy chọn ít nhất một đảng viên"), {"field": "member_ids"})
    if len(ids) > MAX_MEMBERS:
        raise ValidationFailed(
            msg("Tối đa {max_members} đảng viên một lần", max_members=MAX_MEMBERS),
            {"field": "member_ids"},
        )
    inspected = parent.subject_org
    assert inspected is not None  # _member_case checked the subject type
    found = {m.id: m for m in db.session.execute(
        sa.select(Member).where(Member.id.in_(ids))).scalars()}
    linked = _linked_members(parent, target_kind)
    subjects = []
    for member_id in ids:
        member = found.get(member_id)
        if member is None:
            raise ValidationFailed(msg("Không có đảng viên mã số {member_id}", member_id=member_id),
                                   {"field": "member_ids"})
        if not member.organisation.path.startswith(inspected.path):
            raise ValidationFailed(
                msg(
                    "Đảng viên {member} không thuộc {inspected} hoặc tổ chức trực thuộc",
                    member=member.full_name,
                    inspected=inspected.name,
                ),
                {"field": "member_ids"},
            )
        if member_id in linked:
            raise ValidationFailed(
                msg("Đã có hồ sơ liên kết loại này đối với {member}", member=member.full_name),
                {"field": "member_ids"},
            )
        subjects.append(("member", member_id, member.full_name))
    return tuple(subjects)


def _linked_members(parent: Case, target_kind: str) -> set[int]:
    rows = db.session.execute(
        sa.select(Case.subject_member_id)
        .join(CaseLink, CaseLink.to_case_id == Case.id)
        .where(CaseLink.from_case_id == parent.id, CaseLink.kind == "member_case",
               Case.kind == target_kind)
    ).scalars()
    return {r for r in rows if r is not None}
