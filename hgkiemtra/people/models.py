"""Organisations (a tree that keeps its history), party members and users."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgkiemtra.core.db import UTCDateTime, db, utcnow


class OrgLevel(StrEnum):
    PROVINCE = "province"  # tỉnh ủy / thành ủy trực thuộc Trung ương
    DISTRICT = "district"  # huyện ủy, thị ủy, thành ủy trực thuộc tỉnh (ended 1/7/2025)
    GRASSROOTS = "grassroots"  # đảng bộ / chi bộ cơ sở
    CELL = "cell"  # chi bộ trực thuộc đảng ủy cơ sở


ORG_LEVEL_LABELS_VI = {
    OrgLevel.PROVINCE: "Cấp tỉnh",
    OrgLevel.DISTRICT: "Cấp huyện",
    OrgLevel.GRASSROOTS: "Cơ sở",
    OrgLevel.CELL: "Chi bộ",
}


class Organisation(db.Model):
    """A Party organisation. ``path`` ('/1/4/17/') makes subtree queries one LIKE.

    Organisations are never deleted: one that was merged, split or dissolved
    gets ``valid_to`` and, where there is one, a ``successor``; its old cases
    keep pointing at it.
    """

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    level: Mapped[str] = mapped_column(sa.String(20))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    path: Mapped[str] = mapped_column(sa.String(512), index=True, default="")
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)
    successor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Organisation | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Organisation]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Organisation.name"
    )
    successor: Mapped[Organisation | None] = relationship(
        remote_side=[id], foreign_keys=[successor_id]
    )

    __table_args__ = (
        sa.CheckConstraint(
            "level in ('province', 'district', 'grassroots', 'cell')", name="level"
        ),
    )

    def is_active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def contains(self, other: Organisation) -> bool:
        return other.path.startswith(self.path)


class MemberStatus(StrEnum):
    FULL = "full"  # đảng viên chính thức
    PROBATIONARY = "probationary"  # đảng viên dự bị


class Member(db.Model):
    """A Party member (fictional in the demo)."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    search_name: Mapped[str] = mapped_column(sa.String(200), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=MemberStatus.FULL.value)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    birth_year: Mapped[int | None] = mapped_column(sa.Integer)
    joined_on: Mapped[date | None] = mapped_column(sa.Date)
    # Posts held (chức vụ), e.g. ["Bí thư chi bộ", "Phó Chủ tịch UBND xã"]
    positions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        sa.CheckConstraint("status in ('full', 'probationary')", name="status"),
    )


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(255), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    locale: Mapped[str] = mapped_column(sa.String(5), default="vi")
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    # A user may also be a Party member; used for conflict-of-interest checks.
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("members.id"))
    # Raised on logout and on password change: every session signed with an
    # older value stops working (sessions carry it in their login id).
    session_version: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    # Deadline reminders: "immediate" (one mail each) or "digest" (one mail a day).
    reminder_mode: Mapped[str] = mapped_column(
        sa.String(10), default="immediate", server_default="immediate"
    )
    # The secret in the address of the user's iCalendar feed (calendar apps
    # cannot sign in); None: no feed. A new one makes the old address stop working.
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # The interface Flask-Login expects (is_active is the column above).
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """The login id kept in the session: '<id>.<session_version>'."""
        return f"{self.id}.{self.session_version}"

    __table_args__ = (
        sa.CheckConstraint("reminder_mode in ('immediate', 'digest')", name="reminder_mode"),
    )


class RoleAssignment(db.Model):
    """A role held over an organisation and everything below it."""

    __tablename__ = "role_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(20))
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))

    user: Mapped[User] = relationship(back_populates="roles")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("user_id", "role", "org_id"),
        sa.CheckConstraint(
            "role in ('admin', 'chair', 'member', 'inspector', 'viewer')", name="role"
        ),
    )
