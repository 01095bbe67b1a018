"""Cases, their teams, their audit trail and their documents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgkiemtra.core.db import UTCDateTime, db, utcnow
from hgkiemtra.people.models import Member, Organisation, User

KIND_CODES = {
    "inspection_violation": "KT",
    "inspection_lower_work": "KTN",
    "financial_inspection": "KTTC",
    "asset_declaration": "KTTS",
    "supervision": "GS",
    "denunciation": "TC",
    "discipline_complaint": "KN",
    "discipline": "KL",
    "suspension": "DC",
}


class Case(db.Model):
    """One inspection, supervision, denunciation, complaint or discipline file.

    ``state`` is changed only by ``cases.service.fire_event``. ``version`` is
    the optimistic-concurrency counter (SQLAlchemy adds ``WHERE version = ?``
    to every UPDATE); ``event_count`` is the sequence number of the last audit
    event, so the chain's tail can be checked against the row.
    """

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    workflow_name: Mapped[str] = mapped_column(sa.String(60))
    workflow_version: Mapped[int] = mapped_column(sa.Integer)
    state: Mapped[str] = mapped_column(sa.String(60), index=True)
    phase: Mapped[str] = mapped_column(sa.String(20), index=True)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    event_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    # HMAC over (id, event_count, state, newest event hash) with a key the
    # database does not hold: pins the head of the audit chain (cases/audit.py).
    audit_seal: Mapped[str | None] = mapped_column(sa.String(64))
    # The newest event's hash, kept with the row so the next event chains on
    # it without reading the events table (None on rows written behind the
    # app's back: the next event then reads it from the events table).
    head_hash: Mapped[str | None] = mapped_column(sa.String(64))
    subject_type: Mapped[str] = mapped_column(sa.String(20))
    subject_member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"), index=True)
    subject_org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    # Facts gathered along the way: decision numbers, the outcome, the form...
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    opened_on: Mapped[date] = mapped_column(sa.Date)
    closed_on: Mapped[date | None] = mapped_column(sa.Date)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(foreign_keys=[org_id], lazy="joined")
    subject_member: Mapped[Member | None] = relationship(lazy="joined")
    subject_org: Mapped[Organisation | None] = relationship(
        foreign_keys=[subject_org_id], lazy="joined"
    )
    # Loaded on use, not with every case: a reload of the row after a commit
    # stays one query; fire_event joins the team in its one load. Seats in the
    # order they were given, however the team was loaded.
    team: Mapped[list[CaseTeamMember]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseTeamMember.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint("subject_type in ('member', 'organisation')", name="subject_type"),
        sa.CheckConstraint(
            "(subject_type = 'member' AND subject_member_id IS NOT NULL) OR "
            "(subject_type = 'organisation' AND subject_org_id IS NOT NULL)",
            name="subject_present",
        ),
        sa.Index("ix_cases_org_id_phase", "org_id", "phase"),
        # Keyset pages of the case list and the dashboard panels (c3d5e7f92d33).
        sa.Index("ix_cases_updated_at_id", "updated_at", "id"),
        sa.Index("ix_cases_opened_on_id", "opened_on", "id"),
        sa.Index("ix_cases_title_id", "title", "id"),
        sa.Index("ix_cases_state_updated_at", "state", "updated_at", "id"),
        sa.Index("ix_cases_phase_updated_at", "phase", "updated_at", "id"),
        sa.Index("ix_cases_search_text_trgm", "search_text", postgresql_using="gin",
                 postgresql_ops={"search_text": "gin_trgm_ops"}),
        # Dashboard counts of open cases by phase over a scope, from the index alone.
        sa.Index("ix_cases_open_phase_org", "phase", "org_id", "id",
                 postgresql_where=sa.text("phase <> 'closed'"),
                 sqlite_where=sa.text("phase <> 'closed'")),
        # The same, in id order: the dashboard's overdue count merges it with the
        # running deadlines by case id, its due-this-week count probes it (f2b3c4d5e602).
        sa.Index("ix_cases_open_id_phase_org", "id", "phase", "org_id",
                 postgresql_where=sa.text("phase <> 'closed'"),
                 sqlite_where=sa.text("phase <> 'closed'")),
    )

    @property
    def reference(self) -> str:
        """The number people quote: kind code, year opened, id (e.g. KT.2026.00042)."""
        return f"{KIND_CODES.get(self.kind, 'HS')}.{self.opened_on.year}.{self.id:05d}"

    @property
    def subject_name(self) -> str:
        if self.subject_type == "member" and self.subject_member is not None:
            return self.subject_member.full_name
        if self.subject_org is not None:
            return self.subject_org.name
        return ""


class CaseTeamMember(db.Model):
    """Who works the case (đoàn/tổ kiểm tra)."""

    __tablename__ = "case_team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # leader (trưởng đoàn), member (thành viên), directing (ủy viên chỉ đạo)
    team_role: Mapped[str] = mapped_column(sa.String(20), default="member")

    case: Mapped[Case] = relationship(back_populates="team")
    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("case_id", "user_id"),
        sa.CheckConstraint("team_role in ('leader', 'member', 'directing')", name="team_role"),
    )


class CaseEvent(db.Model):
    """One step of a case's history. Append-only; hash-chained per case."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    seq: Mapped[int] = mapped_column(sa.Integer)
    event: Mapped[str] = mapped_column(sa.String(60))
    from_state: Mapped[str | None] = mapped_column(sa.String(60))
    to_state: Mapped[str] = mapped_column(sa.String(60))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(sa.String(255), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))

    __table_args__ = (sa.UniqueConstraint("case_id", "seq"),)


class Document(db.Model):
    """A file attached to a case; the bytes live in the storage folder by SHA-256."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    doc_type: Mapped[str] = mapped_column(sa.String(40))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseLink(db.Model):
    """Two related cases, e.g. a supervision and the inspection it spawned.

    One row per relation, read from both ends: ``kind`` names it from the
    ``from_case`` side (``spawned_inspection``, ``discipline_of``,
    ``complaint_about``, ``escalated_to``).
    """

    __tablename__ = "case_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    to_case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("from_case_id", "to_case_id", "kind"),
        sa.CheckConstraint("from_case_id <> to_case_id", name="distinct_cases"),
    )


class TeamDeclaration(db.Model):
    """A team member's conflict-of-interest declaration (bản cam kết/kê khai xung đột lợi ích).

    One row per person and case, replaced when they declare again; every
    declaration is also an audit event of the case, so earlier ones are kept.
    """

    __tablename__ = "team_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    has_conflict: Mapped[bool] = mapped_column(sa.Boolean)
    statement: Mapped[str] = mapped_column(sa.Text, default="")

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("case_id", "user_id"),)


class CasePhaseCount(db.Model):
    """How many cases an organisation has in each phase: the dashboard's open
    counts without counting the cases. Kept by ``cases.service`` (opening a case,
    an event changing its phase) and ``people.handover`` (open work handed to a
    successor organisation) in the same transaction, rebuilt from the cases
    by ``cases.phase_counts.recount`` (after a bulk load behind the app's back).
    """

    __tablename__ = "case_phase_counts"

    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    phase: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    cases: Mapped[int] = mapped_column(sa.Integer, default=0)
