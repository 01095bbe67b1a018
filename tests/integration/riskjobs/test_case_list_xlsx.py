"""The case list as XLSX (direct download): same filters and scope as the page,
typed cells, formulas neutralised; and the threshold above which lists are
exported in the background."""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from hgkiemtra.cases.export import XLSX_MIMETYPE
from tests import factories as f
from tests.integration.ui.conftest import text


def _sheet(raw: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(raw)).active.iter_rows(values_only=True))


def test_xlsx_export_has_the_same_filters_typed_cells_and_no_formulas(ui, w, make_case):
    wanted = make_case('=HYPERLINK("http://x") Đất đai')
    f.advance(w, make_case("Hồ sơ đã quyết định đất đai"), f.FULL_PATH[:1])
    make_case("Hồ sơ khác")
    ui.sign_in(w.chair)
    page = text(ui.get("/cases", query_string={"state": "proposed", "q": "dat dai"}))
    assert "/cases/export.xlsx?" in page
    response = ui.get("/cases/export.xlsx", query_string={"state": "proposed", "q": "dat dai"})
    assert response.status_code == 200
    assert response.mimetype == XLSX_MIMETYPE
    assert response.headers["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.get_data()))
    sheet = book.active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0][:3]] == ["Số hồ sơ", "Loại hồ sơ", "Tiêu đề"]
    assert len(rows) == 2
    cells = rows[1]
    assert cells[0].value == wanted.reference
    title = cells[2]
    assert title.value == '=HYPERLINK("http://x") Đất đai'  # the text, as typed
    assert title.data_type == "s" and title.quotePrefix  # never a live formula
    assert cells[6].value == "Đề xuất kiểm tra"
    opened = cells[7]
    assert isinstance(opened.value, datetime) and opened.value.date() == wanted.opened_on
    assert opened.number_format == "DD/MM/YYYY"
    assert cells[8].value is None  # not closed
    assert cells[11].number_format == "DD/MM/YYYY HH:MM"
    assert cells[10].value == "Không"


def test_xlsx_export_never_lists_cases_out_of_scope(ui, w, make_case):
    make_case("Hồ sơ Vị Thanh")
    ui.sign_in(w.outsider)
    rows = _sheet(ui.get("/cases/export.xlsx").get_data())
    assert len(rows) == 1  # the header alone


def test_long_lists_are_offered_a_background_export(ui, w, make_case, ui_app, monkeypatch):
    make_case("Một")
    make_case("Hai")
    small = dataclasses.replace(ui_app.config["SETTINGS"], EXPORT_BACKGROUND_ROWS=1)
    monkeypatch.setitem(ui_app.config, "SETTINGS", small)
    ui.sign_in(w.chair)
    page = text(ui.get("/cases", query_string={"kind": "inspection_violation"}))
    assert "/cases/export.xlsx" not in page  # no direct download of a long list
    assert 'action="/exports/cases?kind=inspection_violation"' in page
    for path in ("/cases/export.xlsx", "/cases/export.csv"):
        response = ui.get(path, query_string={"kind": "inspection_violation"})
        assert response.status_code == 200 and response.mimetype == "text/html"
        body = text(response)
        assert "Danh sách quá dài để tải ngay" in body
        assert 'action="/exports/cases?kind=inspection_violation"' in body


@pytest.mark.parametrize("path", ["/cases/export.xlsx", "/cases/export.csv"])
def test_exports_need_a_signed_in_user(ui, path):
    assert ui.get(path).status_code == 302
