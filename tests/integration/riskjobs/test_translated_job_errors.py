"""A failed export's reason reads in its owner's language; the stored text stays Vietnamese."""

from __future__ import annotations

import html

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.queries import CaseFilter
from hgkiemtra.core.db import db
from hgkiemtra.exports import service, tasks
from hgkiemtra.exports.models import ExportJob
from hgkiemtra.people.models import RoleAssignment
from tests.integration.ui.conftest import text

REASON_VI = "Tài khoản không còn vai trò nào: không xuất được dữ liệu"
REASON_EN = "The account has no roles left: nothing can be exported"


def _failed_job(w, session) -> ExportJob:
    job = service.create_case_job(Actor.for_user(w.viewer), "cases_xlsx", CaseFilter())
    session.commit()
    session.execute(sa.delete(RoleAssignment).where(RoleAssignment.user_id == w.viewer.id))
    session.commit()
    assert tasks.run_export(job.id) == "failed"
    found = db.session.get(ExportJob, job.id, populate_existing=True)
    assert found is not None and found.error == REASON_VI
    return found


def _jobs_page(ui, lang: str) -> str:
    ui.post("/language", {"lang": lang, "next": "/exports"})
    return html.unescape(text(ui.get("/exports")))


def test_the_failure_reads_in_english_and_in_vietnamese(ui, w, session):
    job = _failed_job(w, session)
    assert job.error_parts and job.error_message.template.startswith("Tài khoản")
    ui.sign_in(w.viewer)
    assert REASON_EN in _jobs_page(ui, "en")
    assert REASON_VI in _jobs_page(ui, "vi")


def _bad_filter_job(w, session) -> ExportJob:
    job = service.create_case_job(Actor.for_user(w.chair), "cases_csv", CaseFilter())
    job.params = {"colour": "red"}
    session.commit()
    assert tasks.run_export(job.id) == "failed"
    return db.session.get(ExportJob, job.id, populate_existing=True)


def test_a_reason_with_values_reads_in_english(ui, w, session):
    job = _bad_filter_job(w, session)
    assert job.error == "Tham số lọc không hợp lệ: colour"
    ui.sign_in(w.chair)
    page = _jobs_page(ui, "en")
    assert "Invalid filter parameters: colour" in page and job.error not in page
    assert job.error in _jobs_page(ui, "vi")


def test_an_older_failure_without_parts_shows_its_stored_text(ui, w, session):
    job = _bad_filter_job(w, session)
    job.error_parts = None  # as stored before the parts were kept
    session.commit()
    ui.sign_in(w.chair)
    assert "Tham số lọc không hợp lệ: colour" in _jobs_page(ui, "en")


def test_a_system_error_keeps_its_vietnamese_text_and_its_parts(w, session):
    job = service.create_case_job(Actor.for_user(w.chair), "cases_csv", CaseFilter())
    session.commit()
    assert service._fail(job.id, service.msg("Lỗi hệ thống khi xuất dữ liệu ({error})",
                                             error="KeyError"), job.created_at) == "failed"
    found = db.session.get(ExportJob, job.id, populate_existing=True)
    assert found.error == "Lỗi hệ thống khi xuất dữ liệu (KeyError)"
    assert found.error_parts == [{"t": "Lỗi hệ thống khi xuất dữ liệu ({error})",
                                  "p": {"error": "KeyError"}}]
