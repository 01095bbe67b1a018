"""The done-when of the statistics issue: from the demo data, the chair opens the
quarterly report, sees charts and tables, downloads the XLSX and issues it."""

from __future__ import annotations

import io

from flask import Flask
from openpyxl import load_workbook

from hgkiemtra.cases.service import local_today
from hgkiemtra.people.service import find_user
from hgkiemtra.reports.periods import current_quarter
from tests.integration.ui.conftest import Ui, UiClient


def test_quarterly_report_from_the_demo(committed: Flask) -> None:
    assert committed.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    previous = committed.test_client_class
    committed.test_client_class = UiClient
    try:
        ui = Ui(committed.test_client())
        ui.sign_in(find_user("chu.nhiem@hgkiemtra.vn"))
        quarter = current_quarter(local_today()).previous().code
        page = ui.get(f"/reports/statistics?period={quarter}")
        body = page.get_data(as_text=True)
        assert page.status_code == 200 and body.count("<svg") >= 3
        book = load_workbook(io.BytesIO(ui.get(f"/reports/statistics.xlsx?period={quarter}").data))
        values = [r[4] for r in book["Số liệu"].iter_rows(min_row=2, values_only=True)]
        assert sum(v for v in values if isinstance(v, int)) > 0  # the demo has work to report
        done = ui.post(f"/reports/issued?period={quarter}", {"reference": "01-BC/UBKT"},
                       form_page=f"/reports/statistics?period={quarter}")
        assert done.status_code == 302 and "/reports/issued/" in done.location
        assert "01-BC/UBKT" in ui.get(done.location).get_data(as_text=True)
    finally:
        committed.test_client_class = previous
