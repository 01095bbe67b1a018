"""Annual inspection and supervision programmes, their items, and annual targets.

A committee (the UBKT of an organisation) adopts one programme a year per
kind (chương trình kiểm tra / giám sát hằng năm). Each item plans one case:
who (a member or a lower organisation), what (the content, which becomes the
case's title), when (a quarter) and which committee member answers for it.
Once the programme is approved, an item opens its case when its quarter
starts (``programmes.opening``); ``case_id`` is then set, once: the column is
unique and the opening takes the item's row lock.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import UTCDateTime, db, utcnow
from hgkiemtra.people.models import Member, Organisation, User
from workflows import stored_text


class ProgrammeKind(StrEnum):
    INSPECTION = "inspection"  # chương trình kiểm tra
    SUPERVISION = "supervision"  # chương trình giám sát
    COMBINED = "combined"  # chương trình kiểm tra, giám sát


class ProgrammeStatus(StrEnum):
    DRAFT = "draft"  # dự thảo
    APPROVED = "approved"  # đã phê duyệt


# The case kinds a programme plans (domain.md §1: types B, C, D come from a
# programme or plan, type E from the annual programme; type A — signs of
# violation — is never planned ahead).
INSPECTION_KINDS = ("inspection_lower_work", "financial_inspection", "asset_declaration")
SUPERVISION_KINDS = ("supervision",)
PLANNED_KINDS: dict[str, tuple[str, ...]] = {
    ProgrammeKind.INSPECTION: INSPECTION_KINDS,
    ProgrammeKind.SUPERVISION: SUPERVISION_KINDS,
    ProgrammeKind.COMBINED: SUPERVISION_KINDS + INSPECTION_KINDS,
}
# Kinds counted as "inspected" by the targets: every inspection, planned or not.
INSPECTED_CASE_KINDS = ("inspection_violation", *INSPECTION_KINDS)


class Programme(db.Model):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    year: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[str] = mapped_column(sa.String(20), default=ProgrammeStatus.DRAFT.value)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    items: Mapped[list[ProgrammeItem]] = relationship(
        back_populates="programme", cascade="all, delete-orphan",
        order_by="(ProgrammeItem.quarter, ProgrammeItem.id)",
    )

    __table_args__ = (
        sa.UniqueConstraint("org_id", "year", "kind"),
        sa.CheckConstraint("year >= 2000 AND year <= 2100", name="year"),
        sa.CheckConstraint("kind in ('inspection', 'supervision', 'combined')", name="kind"),
        sa.CheckConstraint("status in ('draft', 'approved')", name="status"),
    )

    @property
    def is_approved(self) -> bool:
        return self.status == ProgrammeStatus.APPROVED.value


class ProgrammeItem(db.Model):
    __tablename__ = "programme_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    case_kind: Mapped[str] = mapped_column(sa.String(40))
    subject_type: Mapped[str] = mapped_column(sa.String(20))
    subject_member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"))
    subject_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    content: Mapped[str] = mapped_column(sa.String(500))
    quarter: Mapped[int] = mapped_column(sa.Integer)
    responsible_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # Set once, when the item opens its case; unique, so never two cases.
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why the scheduled opening failed (e.g. the subject left the subtree);
    # the tick leaves such an item alone until someone opens it by hand.
    open_error: Mapped[str | None] = mapped_column(sa.Text)
    # The same reason as a translatable message (workflows.stored_text); None on older rows.
    open_error_parts: Mapped[list[Any] | None] = mapped_column(sa.JSON)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="items")
    subject_member: Mapped[Member | None] = relationship(lazy="joined")
    subject_org: Mapped[Organisation | None] = relationship(lazy="joined")
    responsible: Mapped[User] = relationship(foreign_keys=[responsible_user_id], lazy="joined")
    case: Mapped[Case | None] = relationship(lazy="joined")

    def record_open_error(self, reason: str | None) -> None:
        self.open_error = reason
        self.open_error_parts = stored_text.dump_all([reason]) if reason else None

    @property
    def open_error_message(self) -> str | None:
        """``open_error`` as a message the page translates (the text itself on older rows)."""
        if self.open_error is None:
            return None
        return stored_text.load_one(self.open_error_parts, self.open_error)

    __table_args__ = (
        sa.CheckConstraint("quarter >= 1 AND quarter <= 4", name="quarter"),
        sa.CheckConstraint("subject_type in ('member', 'organisation')", name="subject_type"),
        sa.CheckConstraint(
            "(subject_type = 'member' AND subject_member_id IS NOT NULL) OR "
            "(subject_type = 'organisation' AND subject_org_id IS NOT NULL)",
            name="subject_present",
        ),
    )

    @property
    def subject_name(self) -> str:
        if self.subject_member is not None:
            return self.subject_member.full_name
        return self.subject_org.name if self.subject_org is not None else ""


class AnnualTarget(db.Model):
    """The share of an organisation's members (its whole subtree) to supervise
    and to inspect in a year, in percent. Configurable per year and
    organisation: the sources confirm no standard figure (domain.md §7)."""

    __tablename__ = "annual_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    year: Mapped[int] = mapped_column(sa.Integer)
    supervised_share: Mapped[int] = mapped_column(sa.Integer)
    inspected_share: Mapped[int] = mapped_column(sa.Integer)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("org_id", "year"),
        sa.CheckConstraint("year >= 2000 AND year <= 2100", name="year"),
        sa.CheckConstraint("supervised_share >= 0 AND supervised_share <= 100",
                           name="supervised_share"),
        sa.CheckConstraint("inspected_share >= 0 AND inspected_share <= 100",
                           name="inspected_share"),
    )
