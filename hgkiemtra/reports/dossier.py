"""The case dossier (hồ sơ vụ việc): everything on one printable page.

Subject, facts recorded along the way, the team, deadlines, the hash-chained
timeline (oldest first, with each hash and whether the chain verifies),
documents with their SHA-256 and linked cases. A denunciation shows the
denouncer's pseudonym only: the identity lives in the vault and is never read
here. The same ``Dossier`` feeds the HTML page and the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit, links, presenters, queries
from hgkiemtra.cases import documents as docs
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case, Document
from hgkiemtra.cases.queries import INT32_MAX
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound
from hgkiemtra.denunciations.service import pseudonym_of
from hgkiemtra.people.models import User
from workflows.engine import PHASE_LABELS_VI, Phase, WorkflowDefinition
from workflows.text import msg

TEAM_ROLE_LABELS = {"leader": "Trưởng đoàn", "member": "Thành viên",
                    "directing": "Ủy viên chỉ đạo"}
DEADLINE_STATUS_LABELS = {"overdue": "Quá hạn", "today": "Đến hạn hôm nay", "soon": "Sắp đến hạn",
                          "later": "Còn hạn", "met": "Đã hoàn thành đúng hạn",
                          "late": "Hoàn thành trễ hạn", "cancelled": "Đã hủy"}


@dataclass(frozen=True)
class TeamLine:
    name: str
    role: str


@dataclass(frozen=True)
class DocumentLine:
    document: Document
    uploader: str


@dataclass(frozen=True)
class LinkLine:
    kind: str
    direction: str
    reference: str
    title: str


@dataclass(frozen=True)
class Dossier:
    case: Case
    definition: WorkflowDefinition
    state_label: str
    phase_label: str
    subject_kind: str
    subject_name: str
    subject_org: str
    denouncer_pseudonym: str | None
    facts: list[presenters.Fact]
    team: list[TeamLine]
    deadlines: list[presenters.Countdown]
    timeline: list[presenters.TimelineItem]  # oldest first
    chain_problem: audit.Break | None
    documents: list[DocumentLine]
    links: list[LinkLine]
    generated_at: datetime


def build_dossier(actor: Actor, case_id: int, today: date) -> Dossier:
    if not 0 < case_id <= INT32_MAX:
        raise NotFound(msg("Không tìm thấy hồ sơ {case_id}", case_id=case_id))
    case = cases.get_case(actor, case_id)
    definition = cases.definition_of(case)
    events = cases.history(actor, case.id)
    documents = docs.list_documents(actor, case.id)
    names = _names({d.uploaded_by_id for d in documents})
    member = case.subject_member
    return Dossier(
        case=case,
        definition=definition,
        state_label=definition.state(case.state).label,
        phase_label=PHASE_LABELS_VI[Phase(case.phase)],
        subject_kind="Đảng viên" if case.subject_type == "member" else "Tổ chức đảng",
        subject_name=case.subject_name,
        subject_org=member.organisation.name if member is not None else
        (case.subject_org.parent.name if case.subject_org and case.subject_org.parent else ""),
        denouncer_pseudonym=pseudonym_of(case),
        facts=presenters.case_facts(definition, events),
        team=[TeamLine(seat.user.full_name, TEAM_ROLE_LABELS.get(seat.team_role, seat.team_role))
              for seat in sorted(case.team, key=lambda s: (s.team_role != "leader", s.id))],
        deadlines=[presenters.countdown(d, today) for d in queries.case_deadlines(case.id)],
        timeline=list(reversed(presenters.timeline(definition, events))),
        chain_problem=audit.verify_case(case, events),
        documents=[DocumentLine(d, names.get(d.uploaded_by_id or 0, "")) for d in documents],
        links=[LinkLine(v.kind, v.direction, v.case.reference, v.case.title)
               for v in links.links_of(case.id) if actor.can_see(v.case.organisation.path)],
        generated_at=utcnow(),
    )


def _names(user_ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids)))
    return {uid: name for uid, name in rows}
