"""The record of organisation changes: merges, splits, dissolutions, moves.

Rows here are written once, by ``people.changes``, and never updated: they
are the history that explains why an organisation has a ``valid_to`` and a
``successor``, and where each of its open cases and members went.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgkiemtra.core.db import UTCDateTime, db, utcnow
from hgkiemtra.people.models import Organisation


class ChangeKind(StrEnum):
    MERGE = "merge"  # sáp nhập / hợp nhất
    SPLIT = "split"  # chia tách
    DISSOLVE = "dissolve"  # giải thể
    MOVE = "move"  # chuyển trực thuộc (đổi tổ chức cấp trên)


CHANGE_KIND_LABELS_VI = {
    ChangeKind.MERGE: "Sáp nhập",
    ChangeKind.SPLIT: "Chia tách",
    ChangeKind.DISSOLVE: "Giải thể",
    ChangeKind.MOVE: "Chuyển trực thuộc",
}


class ItemType(StrEnum):
    CLOSED = "closed"  # from: the organisation that closed; to: its successor
    CREATED = "created"  # to: a successor organisation created by the change
    MOVED = "moved"  # from: an active child; to: its row re-established under the new parent
    CASE = "case"  # item_id: an open case handed to the successor
    MEMBER = "member"  # item_id: a member whose Party organisation changed
    ROLE = "role"  # item_id: a role assignment granted on the successor


class OrganisationChange(db.Model):
    """One change to the organisation tree, effective on ``effective_on``."""

    __tablename__ = "organisation_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    effective_on: Mapped[date] = mapped_column(sa.Date, index=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items: Mapped[list[OrganisationChangeItem]] = relationship(
        back_populates="change", order_by="OrganisationChangeItem.id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        sa.CheckConstraint("kind in ('merge', 'split', 'dissolve', 'move')", name="kind"),
    )

    def of_type(self, item_type: ItemType) -> list[OrganisationChangeItem]:
        return [i for i in self.items if i.item_type == item_type.value]


class OrganisationChangeItem(db.Model):
    """One thing a change did: an organisation closed or created, a case or a
    member handed over, a role granted on the successor."""

    __tablename__ = "organisation_change_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation_changes.id", ondelete="CASCADE"), index=True)
    item_type: Mapped[str] = mapped_column(sa.String(20))
    item_id: Mapped[int | None] = mapped_column(sa.Integer)
    from_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    to_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)

    change: Mapped[OrganisationChange] = relationship(back_populates="items")
    from_org: Mapped[Organisation | None] = relationship(foreign_keys=[from_org_id])
    to_org: Mapped[Organisation | None] = relationship(foreign_keys=[to_org_id])

    __table_args__ = (
        sa.CheckConstraint(
            "item_type in ('closed', 'created', 'moved', 'case', 'member', 'role')",
            name="item_type"),
    )
