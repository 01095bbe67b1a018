"""Statistics reports exported as background jobs (the reports package writes them)."""

from __future__ import annotations

import html
import io
import re

import sqlalchemy as sa
from openpyxl import load_workbook

from hgkiemtra.core.db import db
from hgkiemtra.exports import tasks
from hgkiemtra.exports.models import ExportJob
from hgkiemtra.people.models import RoleAssignment
from tests.integration.ui.conftest import text


def _only_job() -> ExportJob:
    return db.session.scalars(sa.select(ExportJob)).one()


def test_a_report_job_writes_the_statistics_workbook(ui, w, make_case):
    make_case("Hồ sơ trong kỳ")
    ui.sign_in(w.chair)
    response = ui.post(f"/exports/reports?period=2026&org={w.district.id}",
                       {"format": "xlsx"}, form_page="/exports")
    assert response.status_code == 302
    job = _only_job()
    assert (job.kind, job.params) == ("report_xlsx", {"period": "2026", "org": str(w.district.id)})
    assert tasks.run_export(job.id) == "done"
    job = db.session.get(ExportJob, job.id, populate_existing=True)
    assert (job.progress, job.rows_done, job.rows_total) == (100, 2, 2)
    assert job.download_name.startswith("bao-cao-") and job.download_name.endswith(".xlsx")
    download = ui.get(f"/exports/{job.id}/download")
    raw = download.get_data()
    download.close()
    values = [v for row in load_workbook(io.BytesIO(raw)).active.iter_rows(values_only=True)
              for v in row if v is not None]
    assert w.district.name in values


def test_report_jobs_check_their_filters_then_and_at_run_time(ui, w, session):
    ui.sign_in(w.chair)
    ui.post("/exports/reports?period=nonsense", {"format": "csv"}, form_page="/exports")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 0
    assert "Kỳ báo cáo không hợp lệ" in text(ui.get("/exports"))
    ui.post(f"/exports/reports?period=2026&org={w.district.id}", {"format": "csv"},
            form_page="/exports")
    job = _only_job()
    # The chair leaves the district before the job runs: the report is refused.
    session.scalars(sa.select(RoleAssignment).where(RoleAssignment.user_id == w.chair.id)
                    ).one().org_id = w.other_district.id
    session.commit()
    assert tasks.run_export(job.id) == "failed"
    failed = db.session.get(ExportJob, job.id, populate_existing=True)
    assert "Không tìm thấy tổ chức đảng" in failed.error


def test_the_statistics_page_offers_the_background_export_of_what_it_shows(ui, w, make_case):
    make_case("Hồ sơ trong kỳ")
    ui.sign_in(w.chair)
    page = text(ui.get(f"/reports/statistics?period=2026&org={w.district.id}"))
    action = re.search(r'<form method="post" action="(/exports/reports\?[^"]+)"', page)
    assert action, "no background export form on the statistics page"
    response = ui.post(html.unescape(action.group(1)), {"format": "xlsx"},
                       form_page=f"/reports/statistics?period=2026&org={w.district.id}")
    assert response.status_code == 302
    job = _only_job()
    assert job.kind == "report_xlsx"
    assert job.params["period"] == "2026" and job.params["org"] == str(w.district.id)
