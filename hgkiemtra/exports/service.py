"""Export jobs: create, run (in a Celery task), list, download, purge.

A job stores the filters as JSON and the id of the user who asked. The task
builds the actor from that id when it runs, so a role revoked in between is
honoured (the job fails with the reason) and a scope that shrank exports only
what the user may still see. Rows are read by case id in batches (keyset,
never OFFSET); after each batch the progress is committed, so the page that
polls the job sees it move. The file is written to a local temporary file and
put whole into the shared storage (``exports/<name>``) when complete: a
half-written file is never offered.

Domain code: no Flask request here. ``run_job`` commits (it is the task's
body); the other functions flush and leave the commit to the caller.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import asdict, fields
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import export as case_export
from hgkiemtra.cases.queries import CaseFilter
from hgkiemtra.cases.service import local_today
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from hgkiemtra.core.storage import Storage, StorageLike, as_storage
from hgkiemtra.exports import report_jobs
from hgkiemtra.exports.models import ExportJob, ExportKind, JobStatus
from hgkiemtra.people.models import Organisation, User
from workflows import stored_text
from workflows.text import Msg, msg

log = logging.getLogger(__name__)
EXPORTS_FOLDER = "exports"
STALE_RUNNING = timedelta(minutes=30)  # a 'running' job nobody touched: its worker died
LIST_LIMIT = 50
CASE_KINDS = {ExportKind.CASES_XLSX: ".xlsx", ExportKind.CASES_CSV: ".csv"}


class JobFailed(Exception):
    """A reason to stop a job, shown to its owner as is (Vietnamese)."""


# --- creating -----------------------------------------------------------------------------


def filters_to_params(filters: CaseFilter) -> dict[str, Any]:
    return {k: v for k, v in asdict(filters).items() if v is not None}


def params_to_filters(params: dict[str, Any]) -> CaseFilter:
    known = {f.name for f in fields(CaseFilter)}
    unknown = set(params) - known
    if unknown:
        raise JobFailed(
            msg("Tham số lọc không hợp lệ: {fields}", fields=", ".join(sorted(unknown)))
        )
    try:
        return CaseFilter(**params)
    except TypeError as exc:
        raise JobFailed(msg("Tham số lọc không hợp lệ: {exc}", exc=exc)) from None


def create_case_job(actor: Actor, kind: str, filters: CaseFilter) -> ExportJob:
    """A queued job exporting the actor's filtered case list (committed by the caller)."""
    if kind not in CASE_KINDS:
        raise ValidationFailed(
            msg("Định dạng xuất không hợp lệ: {kind}", kind=kind), {"field": "kind"}
        )
    return _create(actor, kind, filters_to_params(filters))


def create_report_job(actor: Actor, kind: str, params: dict[str, Any],
                      today: date) -> ExportJob:
    """A queued job exporting a statistics report (see ``report_jobs``)."""
    if kind not in report_jobs.KINDS:
        raise ValidationFailed(
            msg("Định dạng xuất không hợp lệ: {kind}", kind=kind), {"field": "kind"}
        )
    return _create(actor, kind, report_jobs.clean_params(actor, params, today))


def _create(actor: Actor, kind: str, params: dict[str, Any]) -> ExportJob:
    if actor.user_id is None:
        raise PermissionDenied(msg("Chỉ người dùng mới tạo được yêu cầu xuất dữ liệu"))
    job = ExportJob(user_id=actor.user_id, kind=kind, params=params,
                    status=JobStatus.QUEUED.value, created_at=utcnow())
    db.session.add(job)
    db.session.flush()
    return job


# --- reading ------------------------------------------------------------------------------


def my_jobs(actor: Actor, limit: int = LIST_LIMIT) -> list[ExportJob]:
    return list(db.session.scalars(
        sa.select(ExportJob).where(ExportJob.user_id == actor.user_id)
        .order_by(ExportJob.id.desc()).limit(limit)
    ))


def get_own_job(actor: Actor, job_id: int) -> ExportJob:
    """The actor's own job; anyone else's is NotFound (its existence is not told)."""
    job = db.session.get(ExportJob, job_id) if 0 < job_id < 2**31 else None
    if job is None or actor.user_id is None or job.user_id != actor.user_id:
        raise NotFound(msg("Không tìm thấy yêu cầu xuất {job_id}", job_id=job_id))
    return job


def file_for_download(actor: Actor, job_id: int, storage: StorageLike) -> tuple[ExportJob, str]:
    """The job and the storage key of its file."""
    job = get_own_job(actor, job_id)
    if not job.is_downloadable or job.file_name is None:
        raise NotFound(msg("Tệp chưa sẵn sàng hoặc đã hết hạn"))
    key = export_key(job.file_name)
    if not as_storage(storage).exists(key):
        raise NotFound(msg("Tệp đã bị xóa"))
    return job, key


def export_key(file_name: str) -> str:
    return f"{EXPORTS_FOLDER}/{file_name}"


# --- running ------------------------------------------------------------------------------


def claim(job_id: int, now: datetime) -> bool:
    """Take the job (queued, or running but stale) for this worker; commits."""
    taken = db.session.execute(
        sa.update(ExportJob)
        .where(ExportJob.id == job_id, sa.or_(
            ExportJob.status == JobStatus.QUEUED.value,
            sa.and_(ExportJob.status == JobStatus.RUNNING.value,
                    ExportJob.started_at < now - STALE_RUNNING),
        ))
        .values(status=JobStatus.RUNNING.value, started_at=now, progress=0, rows_done=0,
                error="")
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(taken)


def run_job(job_id: int, storage: StorageLike, keep: timedelta,
            now: Callable[[], datetime] = utcnow) -> str:
    """The task's body: claim, write the file batch by batch, mark done or failed."""
    if not claim(job_id, now()):
        return "skipped"
    job = db.session.get(ExportJob, job_id)
    assert job is not None
    user = db.session.get(User, job.user_id)
    try:
        with force_locale(user.locale if user else "vi"):
            file_name, download_name = _write(job, user, as_storage(storage), now)
    except JobFailed as exc:
        return _fail(job_id, exc.args[0] if exc.args else "", now())
    except Exception as exc:  # noqa: BLE001 - recorded on the job; the owner sees it
        log.exception("exports: job %s failed", job_id)
        return _fail(job_id, msg("Lỗi hệ thống khi xuất dữ liệu ({error})",
                                 error=type(exc).__name__), now())
    finished = now()
    _update(job_id, status=JobStatus.DONE.value, progress=100, file_name=file_name,
            download_name=download_name, finished_at=finished, expires_at=finished + keep)
    return "done"


def _write(job: ExportJob, user: User | None, storage: Storage,
           now: Callable[[], datetime]) -> tuple[str, str]:
    actor = actor_at_run_time(user)
    kind, params, job_id = job.kind, dict(job.params or {}), job.id
    suffix = CASE_KINDS.get(ExportKind(kind)) or report_jobs.suffix(kind)
    file_name = f"{job_id}-{secrets.token_hex(16)}{suffix}"
    # Written locally, then put whole into the shared storage: a half-written
    # file is never offered, on any node.
    fd, temp_name = tempfile.mkstemp(prefix=f"hgk-export-{job_id}-", suffix=suffix)
    os.close(fd)
    temp = Path(temp_name)
    today = local_today(now())
    try:
        if kind in CASE_KINDS:
            _write_cases(job_id, kind, actor, params_to_filters(params), today, temp)
        else:
            try:
                report_jobs.write(kind, actor, params, temp, today,
                                  lambda done, total: _progress(job_id, done, total))
            except DomainError as exc:  # a filter no longer valid for this user
                raise JobFailed(exc.message) from None
        with temp.open("rb") as written:
            storage.put(export_key(file_name), written)
    finally:
        temp.unlink(missing_ok=True)
    stem = "ho-so" if kind in CASE_KINDS else "bao-cao"
    return file_name, f"{stem}-{today:%Y%m%d}-{job_id}{suffix}"


def actor_at_run_time(user: User | None) -> Actor:
    """The owner's scope as it is now; refused when the account or its roles are gone."""
    if user is None or not user.is_active:
        raise JobFailed(msg("Tài khoản yêu cầu xuất đã bị khóa hoặc không còn tồn tại"))
    actor = Actor.for_user(user)
    if not actor.scope_paths():
        raise JobFailed(msg("Tài khoản không còn vai trò nào: không xuất được dữ liệu"))
    return actor


def _write_cases(job_id: int, kind: str, actor: Actor, filters: CaseFilter, today: date,
                 temp: Path) -> None:
    if filters.org_id is not None:
        org = db.session.get(Organisation, filters.org_id)
        if org is None or not actor.can_see(org.path):
            raise JobFailed(msg("Tổ chức trong bộ lọc nằm ngoài phạm vi hiện tại của bạn"))
    total = case_export.count_cases(actor, filters, today)
    _progress(job_id, 0, total)
    # Each batch's rows leave the session once written: memory stays flat.
    batches = case_export.id_batches(actor, filters, today,
                                     between_batches=db.session.expunge_all)
    report = lambda done: _progress(job_id, done, total)  # noqa: E731
    if kind == ExportKind.CASES_XLSX:
        case_export.write_xlsx(batches, str(temp), report)
    else:
        with temp.open("w", encoding="utf-8", newline="") as out:
            case_export.write_csv(batches, out, report)


def _progress(job_id: int, done: int, total: int) -> None:
    percent = 100 if total <= 0 else min(99, done * 100 // total)
    _update(job_id, rows_done=done, rows_total=total, progress=percent)


def _update(job_id: int, **values: Any) -> None:
    db.session.execute(
        sa.update(ExportJob).where(ExportJob.id == job_id).values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _fail(job_id: int, message: str, when: datetime) -> str:
    """Record the reason; a Msg also as its parts, so the owner reads it in their language."""
    db.session.rollback()
    _update(job_id, status=JobStatus.FAILED.value, error=message[:2000],
            error_parts=stored_text.dump_all([message]) if isinstance(message, Msg) else None,
            finished_at=when)
    return "failed"


# --- housekeeping -------------------------------------------------------------------------


def purge_expired(storage: StorageLike, now: datetime) -> int:
    """Delete the files of jobs past their expiry (the rows stay, marked expired)."""
    expired = list(db.session.scalars(
        sa.select(ExportJob).where(ExportJob.status == JobStatus.DONE.value,
                                   ExportJob.expires_at <= now)
    ))
    target = as_storage(storage)
    for job in expired:
        if job.file_name:
            target.delete(export_key(job.file_name))
        job.status, job.file_name = JobStatus.EXPIRED.value, None
    db.session.flush()
    return len(expired)


def stuck_job_ids(now: datetime, queued_for: timedelta = timedelta(minutes=2)) -> list[int]:
    """Jobs whose task was never delivered (broker down) or whose worker died."""
    return list(db.session.scalars(
        sa.select(ExportJob.id).where(sa.or_(
            sa.and_(ExportJob.status == JobStatus.QUEUED.value,
                    ExportJob.created_at < now - queued_for),
            sa.and_(ExportJob.status == JobStatus.RUNNING.value,
                    ExportJob.started_at < now - STALE_RUNNING),
        )).order_by(ExportJob.id).limit(100)
    ))
