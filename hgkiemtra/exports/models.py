"""One export job: what was asked (kind, filters), how far it got, where the file is."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hgkiemtra.core.db import UTCDateTime, db, utcnow
from workflows import stored_text


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"  # done once; the file was deleted after its expiry


class ExportKind(StrEnum):
    CASES_XLSX = "cases_xlsx"
    CASES_CSV = "cases_csv"
    REPORT_XLSX = "report_xlsx"
    REPORT_CSV = "report_csv"


class ExportJob(db.Model):
    """A background export. ``params`` holds the filters as JSON (never objects);
    ``file_name`` is made by the server inside the storage folder's ``exports/``."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(10), default=JobStatus.QUEUED.value)
    progress: Mapped[int] = mapped_column(sa.Integer, default=0)
    rows_done: Mapped[int] = mapped_column(sa.Integer, default=0)
    rows_total: Mapped[int | None] = mapped_column(sa.Integer)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    # The same error as a translatable message (workflows.stored_text); None on older rows.
    error_parts: Mapped[list[Any] | None] = mapped_column(sa.JSON)
    file_name: Mapped[str | None] = mapped_column(sa.String(100))
    download_name: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (
        sa.CheckConstraint(
            "status in ('queued', 'running', 'done', 'failed', 'expired')", name="status"
        ),
        sa.CheckConstraint(
            "kind in ('cases_xlsx', 'cases_csv', 'report_xlsx', 'report_csv')", name="kind"
        ),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
    )

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.EXPIRED)

    @property
    def is_downloadable(self) -> bool:
        return self.status == JobStatus.DONE and self.file_name is not None

    @property
    def error_message(self) -> str:
        """``error`` as a message the page translates (the text itself on older rows)."""
        return stored_text.load_one(self.error_parts, self.error or "")
