"""The local mail sink: where mail goes when no SMTP server is configured."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hgkiemtra.core.db import UTCDateTime, db, utcnow


class SinkMail(db.Model):
    """One mail kept instead of sent, for an administrator to read in the UI.

    ``outbox_key`` is unique: the sink row and the outbox row's ``sent`` mark
    are written in one transaction, so sink delivery happens exactly once.
    """

    __tablename__ = "sink_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    to_addr: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(500))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
