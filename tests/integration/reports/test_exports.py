"""The report as XLSX and CSV, read back; and the case dossier as HTML and PDF."""

from __future__ import annotations

import csv
import io
from datetime import date

from cryptography.fernet import Fernet
from openpyxl import load_workbook

from hgkiemtra.denunciations import service as denunciations
from hgkiemtra.denunciations.vault import Identity, Vault
from hgkiemtra.reports.dossier import build_dossier
from hgkiemtra.reports.dossier_pdf import dossier_pdf
from hgkiemtra.reports.exports import report_from_params, write_report_csv, write_report_xlsx
from tests import factories as f
from tests.integration.reports.conftest import text
from tests.integration.reports.scenario import Q3, open_on

TODAY = date(2026, 11, 28)
SECRET_NAME = "Phan Thị Tố Giác"


def test_xlsx_and_csv_hold_every_figure(w, built, app) -> None:
    with app.test_request_context():
        report = report_from_params(w.actor(w.chair), {"period": Q3}, TODAY)
        book_bytes, csv_bytes = io.BytesIO(), io.BytesIO()
        write_report_xlsx(report, book_bytes)
        write_report_csv(report, csv_bytes)
        text_stream = io.StringIO()
        write_report_csv(report, text_stream)
    figures = report.figures()
    book = load_workbook(io.BytesIO(book_bytes.getvalue()))
    flat = book.worksheets[1]
    rows = {r[0]: r for r in flat.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(figures)
    for key, value in figures.items():
        assert rows[key][4] == ("" if value is None else value) or (value is None
                                                                    and rows[key][4] is None)
    assert rows["financial.amount.total"][4:7] == (3_500_000_000, 1_200_000, 3_498_800_000)
    main = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "Kiểm tra tài chính đảng" in main and 3_500_000_000 in main
    lines = list(csv.reader(io.StringIO(csv_bytes.getvalue().decode("utf-8-sig"))))
    by_key = {line[0]: line for line in lines if line and line[0] in figures}
    assert by_key["denunciations.received.total"][4:6] == ["2", "0"]
    assert text_stream.getvalue().startswith("\ufeff")


def test_formula_like_names_are_neutralised(session, app) -> None:
    w = f.world()
    w.district.name = "=HYPERLINK(\"http://x\")"
    session.flush()
    with app.test_request_context():
        report = report_from_params(w.actor(w.chair), {"period": Q3, "org": w.district.id},
                                    TODAY)
        out = io.BytesIO()
        write_report_xlsx(report, out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    cells = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "'=HYPERLINK(\"http://x\")" in cells
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)


def test_dossier_shows_the_pseudonym_never_the_denouncer(session, app) -> None:
    w = f.world()
    case = open_on(w, "denunciation", "2026-07-10")
    vault = Vault((Fernet.generate_key(),))
    row = denunciations.record_identity(w.actor(w.inspector), case,
                                        Identity(full_name=SECRET_NAME, address="Số 1 Hẻm 2"),
                                        vault)
    with app.test_request_context():
        dossier = build_dossier(w.actor(w.chair), case.id, TODAY)
        pdf = dossier_pdf(dossier)
    assert dossier.denouncer_pseudonym == denunciations.pseudonym_label(row.pseudonym)
    assert pdf.startswith(b"%PDF") and f"/Subject ({case.reference})".encode() in pdf
    assert SECRET_NAME.encode() not in pdf and SECRET_NAME.encode("utf-16-be") not in pdf


def test_dossier_page_and_pdf(ui, w, built) -> None:
    case = built.cases["a1"]
    ui.sign_in(w.chair)
    page = ui.get(f"/cases/{case.id}/dossier")
    body = text(page)
    assert page.status_code == 200
    assert case.reference in body and "SHA-256" in body and "Chuỗi băm toàn vẹn" in body
    assert "Cảnh cáo" in body  # the form decided, from the timeline
    pdf = ui.get(f"/cases/{case.id}/dossier.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert f"/Subject ({case.reference})".encode() in pdf.data
    ui.sign_in(w.outsider)
    assert ui.get(f"/cases/{case.id}/dossier").status_code == 404
    assert ui.get(f"/cases/{case.id}/dossier.pdf").status_code == 404
