"""The actions a conclusion requires, each with an owner and a due date."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgkiemtra.core.db import UTCDateTime, db, utcnow
from hgkiemtra.people.models import Organisation, User

KINDS = ("self_criticism", "remedy", "recovery", "discipline", "other")
STATUSES = ("open", "done", "waived")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class FollowUpAction(db.Model):
    """One required action of a case's conclusion: open -> done | waived.

    ``owner_user_id`` and/or ``owner_org_id`` name the one responsible.
    ``amount_vnd`` is the money to recover (required and positive for
    ``recovery``, empty otherwise); ``recovered_vnd`` what was actually
    recovered. Changes are recorded in the case's audit chain; rows are
    never deleted.
    """

    __tablename__ = "followup_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    description: Mapped[str] = mapped_column(sa.Text)
    owner_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    owner_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    due_on: Mapped[date] = mapped_column(sa.Date)
    amount_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    done_on: Mapped[date | None] = mapped_column(sa.Date)
    done_note: Mapped[str] = mapped_column(sa.Text, default="")
    recovered_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    waived_reason: Mapped[str] = mapped_column(sa.Text, default="")
    waived_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id], lazy="joined")
    owner_org: Mapped[Organisation | None] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(_in("kind", KINDS), name="kind"),
        sa.CheckConstraint(_in("status", STATUSES), name="status"),
        sa.CheckConstraint("owner_user_id IS NOT NULL OR owner_org_id IS NOT NULL",
                           name="owner_present"),
        sa.CheckConstraint(
            "(kind = 'recovery' AND amount_vnd > 0) OR (kind <> 'recovery' AND amount_vnd IS NULL)",
            name="amount_for_recovery"),
        sa.CheckConstraint("recovered_vnd IS NULL OR recovered_vnd >= 0", name="recovered"),
        sa.Index("ix_followup_actions_status_due_on", "status", "due_on"),
    )

    def is_overdue(self, today: date) -> bool:
        return self.status == "open" and self.due_on < today
