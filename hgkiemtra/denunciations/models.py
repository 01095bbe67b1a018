"""The vault's tables: encrypted identities, custodians and reveal requests."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hgkiemtra.core.db import UTCDateTime, db, utcnow
from hgkiemtra.people.models import Organisation, User

REVEAL_STATUSES = ("pending", "approved", "refused", "revealed")


class DenouncerIdentity(db.Model):
    """Who denounced, as one Fernet token: name, address, phone, email, id card, notes.

    Kept out of ``cases`` (title, summary, data, search text) and out of the
    audit trail, so nothing that reads a case can read the denouncer.
    """

    __tablename__ = "denouncer_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    # Shown to handlers instead of the name: "Người tố cáo #A7K3".
    pseudonym: Mapped[str] = mapped_column(sa.String(16))
    ciphertext: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    def __repr__(self) -> str:  # never the token, even in a traceback
        return f"<DenouncerIdentity case={self.case_id} {self.pseudonym}>"


class VaultCustodian(db.Model):
    """A user designated (by an admin) to approve reveals for the cases owned by
    an organisation and its subtree. Revoked rows stay, as the history."""

    __tablename__ = "vault_custodians"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    designated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    designated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class RevealRequest(db.Model):
    """A handler's request to read a denouncer's identity, with its reason, and
    the custodian's decision. An approval lets the requester read it once,
    within ``reveals.REVEAL_WINDOW``."""

    __tablename__ = "denouncer_reveal_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requester: Mapped[User] = relationship(foreign_keys=[requested_by_id], lazy="joined")
    decider: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(
            "status in ('pending', 'approved', 'refused', 'revealed')", name="status"
        ),
    )
