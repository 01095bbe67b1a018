"""Background exports: the job is created by the page, run by the task's own
function (as a worker would call it), reports its progress, writes a file only
its owner can download, re-checks the owner's scope and records failures."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import export as case_export
from hgkiemtra.cases.queries import CaseFilter
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.exports import service, tasks
from hgkiemtra.exports.models import ExportJob
from hgkiemtra.people.models import RoleAssignment
from tests import factories as f
from tests.integration.ui.conftest import text


def _job(job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id, populate_existing=True)
    assert job is not None
    return job


@pytest.fixture()
def five(w: f.World, make_case: Any) -> list[int]:
    ids = [make_case(f"Đất đai {n}").id for n in range(5)]
    make_case("Xây dựng")  # filtered out
    return ids


def test_the_page_starts_a_job_and_the_task_writes_the_file(ui, w, five, storage_dir,
                                                           monkeypatch):
    ui.sign_in(w.chair)
    response = ui.post("/exports/cases?q=dat+dai&sort=title", {"format": "xlsx"},
                       form_page="/cases")
    assert response.status_code == 302 and response.headers["Location"].endswith("/exports")
    job = db.session.scalars(sa.select(ExportJob)).one()
    assert (job.user_id, job.kind, job.status) == (w.chair.id, "cases_xlsx", "queued")
    assert job.params == {"q": "dat dai", "sort": "title"}
    page = text(ui.get("/exports"))
    assert "<progress" in page and 'hx-trigger="every 2s"' in page and "tải lại" in page
    assert f"/exports/{job.id}/download" not in page

    seen: list[tuple[int, int, int]] = []
    original = service._progress

    def watched(job_id: int, done: int, total: int) -> None:
        original(job_id, done, total)
        seen.append((done, total, _job(job_id).progress))  # committed, as the page sees it

    monkeypatch.setattr(service, "_progress", watched)
    monkeypatch.setattr(case_export, "BATCH", 2)
    assert tasks.run_export(job.id) == "done"
    assert seen == [(0, 5, 0), (2, 5, 40), (4, 5, 80), (5, 5, 99)]
    job = _job(job.id)
    assert (job.status, job.progress, job.rows_done, job.rows_total) == ("done", 100, 5, 5)
    assert job.expires_at - job.finished_at == timedelta(hours=72)
    assert re.fullmatch(rf"{job.id}-[0-9a-f]{{32}}\.xlsx", job.file_name)

    page = text(ui.get("/exports"))
    assert f"/exports/{job.id}/download" in page and "hx-trigger" not in page
    download = ui.get(f"/exports/{job.id}/download")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.mimetype == case_export.XLSX_MIMETYPE
    raw = download.get_data()
    download.close()
    rows = list(load_workbook(io.BytesIO(raw)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Số hồ sơ"
    # Every matching case, by case number (the job walks the ids upwards).
    assert [r[2] for r in rows[1:]] == [f"Đất đai {n}" for n in range(5)]
    assert tasks.run_export(job.id) == "skipped"  # a second delivery does nothing


def test_only_the_owner_downloads(ui, other_ui, w, five, storage_dir):
    job = service.create_case_job(Actor.for_user(w.chair), "cases_csv", CaseFilter(q="dat dai"))
    db.session.commit()
    ui.sign_in(w.chair)
    assert ui.get(f"/exports/{job.id}/download").status_code == 404  # not ready yet
    assert tasks.run_export(job.id) == "done"
    other_ui.sign_in(w.committee_member)  # same scope, not the owner
    assert other_ui.get(f"/exports/{job.id}/download").status_code == 404
    assert f"#{job.id}" not in text(other_ui.get("/exports"))
    assert other_ui.get("/exports/999999999999/download").status_code == 404
    download = ui.get(f"/exports/{job.id}/download")
    raw = download.get_data()
    download.close()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 6 and rows[1][2] == "Đất đai 0"


def test_the_job_uses_the_owners_scope_at_run_time(w, five, make_case, session):
    ours = service.create_case_job(Actor.for_user(w.chair), "cases_csv", CaseFilter())
    scoped = service.create_case_job(Actor.for_user(w.chair), "cases_csv",
                                     CaseFilter(org_id=w.district.id))
    session.commit()
    # The chair moves to the other district before the worker gets to the jobs.
    assignment = session.scalars(sa.select(RoleAssignment)
                                 .where(RoleAssignment.user_id == w.chair.id)).one()
    assignment.org_id = w.other_district.id
    session.commit()
    assert tasks.run_export(ours.id) == "done"
    assert _job(ours.id).rows_total == 0  # nothing of the old district any more
    assert tasks.run_export(scoped.id) == "failed"
    assert _job(scoped.id).error == "Tổ chức trong bộ lọc nằm ngoài phạm vi hiện tại của bạn"


def test_a_user_without_roles_gets_a_failed_job_with_the_reason(w, five, session):
    job = service.create_case_job(Actor.for_user(w.viewer), "cases_xlsx", CaseFilter())
    session.commit()
    session.execute(sa.delete(RoleAssignment).where(RoleAssignment.user_id == w.viewer.id))
    session.commit()
    assert tasks.run_export(job.id) == "failed"
    failed = _job(job.id)
    assert failed.status == "failed" and failed.file_name is None and failed.finished_at
    assert failed.error == "Tài khoản không còn vai trò nào: không xuất được dữ liệu"


def test_bad_stored_filters_fail_with_a_message_and_leave_no_file(w, session, storage_dir):
    job = service.create_case_job(Actor.for_user(w.chair), "cases_csv", CaseFilter())
    job.params = {"colour": "red"}
    session.commit()
    assert tasks.run_export(job.id) == "failed"
    assert _job(job.id).error == "Tham số lọc không hợp lệ: colour"
    assert not [p for p in (storage_dir / "exports").glob("*") if p.name.startswith(f"{job.id}-")]


def test_the_failure_shows_on_the_page(ui, w, session):
    job = service.create_case_job(Actor.for_user(w.chair), "cases_csv", CaseFilter())
    job.params = {"colour": "red"}
    session.commit()
    tasks.run_export(job.id)
    ui.sign_in(w.chair)
    page = text(ui.get("/exports"))
    assert "thất bại" in page and "Tham số lọc không hợp lệ: colour" in page


def test_expired_files_are_deleted_by_the_tick(ui, w, five, storage_dir: Path, session):
    job = service.create_case_job(Actor.for_user(w.chair), "cases_csv", CaseFilter())
    session.commit()
    tasks.run_export(job.id)
    path = storage_dir / "exports" / _job(job.id).file_name
    assert path.is_file()
    assert service.purge_expired(storage_dir, utcnow()) == 0  # not yet
    session.execute(sa.update(ExportJob).where(ExportJob.id == job.id)
                    .values(expires_at=utcnow() - timedelta(minutes=1)))
    session.commit()
    assert tasks.tick() == {"purged": 1, "resent": 0}
    assert not path.exists() and _job(job.id).status == "expired"
    ui.sign_in(w.chair)
    assert ui.get(f"/exports/{job.id}/download").status_code == 404
    assert "đã hết hạn" in text(ui.get("/exports"))


def test_bad_requests_are_refused_cleanly(ui, w, five):
    ui.sign_in(w.chair)
    assert ui.post("/exports/cases", {"format": "pdf"}, form_page="/cases").status_code == 422
    no_token = ui.client.post("/exports/cases", data={"format": "xlsx"})
    assert no_token.status_code in (302, 400)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 0
    refused = ui.post("/exports/reports", {"format": "xlsx"}, form_page="/cases")
    assert refused.status_code == 302
