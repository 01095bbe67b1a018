"""The statistics page, its downloads and issuing through the web UI, and the API."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.integration.reports.conftest import text
from tests.integration.reports.scenario import Q3


def test_statistics_page_charts_tables_and_downloads(ui, w, built) -> None:
    ui.sign_in(w.chair)
    page = ui.get(f"/reports/statistics?period={Q3}&org={w.district.id}")
    body = text(page)
    assert page.status_code == 200
    assert body.count("<svg") >= 5 and 'role="img"' in body and "style=" not in body
    assert '<th scope="row">' in body and "<caption>" in body and "Cách tính" in body
    assert "Thống kê" in body and 'name="reference"' in body  # the chair may issue
    book = load_workbook(io.BytesIO(ui.get(f"/reports/statistics.xlsx?period={Q3}").data))
    assert book.sheetnames == ["Báo cáo", "Số liệu"]
    csv = ui.get(f"/reports/statistics.csv?period={Q3}")
    assert csv.status_code == 200 and "denunciations.received.total" in text(csv)


def test_bad_filters_and_scope(ui, w, built) -> None:
    ui.sign_in(w.chair)
    assert ui.get("/reports/statistics?period=2026-Q9").status_code == 400
    assert ui.get(f"/reports/statistics?org={w.other_district.id}").status_code == 404
    assert ui.get("/reports/statistics.xlsx?kind=nope").status_code == 422
    ui.sign_in(w.committee_member)
    assert 'name="reference"' not in text(ui.get(f"/reports/statistics?period={Q3}"))


def test_issue_through_the_page(ui, w, built) -> None:
    ui.sign_in(w.chair)
    form_page = f"/reports/statistics?period={Q3}&org={w.district.id}"
    done = ui.post(f"/reports/issued?period={Q3}&org={w.district.id}",
                   {"reference": "15-BC/UBKT", "note": "Quý III"}, form_page=form_page)
    assert done.status_code == 302 and "/reports/issued/" in done.location
    shown = text(ui.get(done.location))
    assert "15-BC/UBKT" in shown and "Không có chỉ tiêu nào thay đổi" in shown
    again = ui.post(f"/reports/issued?period={Q3}&org={w.district.id}",
                    {"reference": "16-BC/UBKT"}, form_page=form_page)
    assert again.location == done.location  # already issued: shown, not duplicated
    assert "15-BC/UBKT" in text(ui.get("/reports/issued"))
    assert ui.get(done.location + ".xlsx").status_code == 200


def test_api_statistics_and_issued_reports(client, session, w, built) -> None:
    from hgkiemtra.auth.tokens import create_token
    token = create_token(w.chair)
    session.commit()  # an error answer rolls the request's session back
    headers = {"Authorization": f"Bearer {token}"}
    got = client.get(f"/api/v1/statistics?period={Q3}&kind=denunciation", headers=headers)
    assert got.status_code == 200, got.json
    figures = {f["key"]: f["value"] for s in got.json["sections"] for r in s["rows"]
               for f in r["figures"]}
    assert figures["denunciations.received.total"] == 2
    assert client.get("/api/v1/statistics?period=x", headers=headers).status_code == 422
    assert client.get(f"/api/v1/statistics?org={w.other_district.id}",
                      headers=headers).status_code == 404
    made = client.post("/api/v1/issued-reports", headers=headers, json={
        "period": Q3, "org": w.district.id, "reference": "17-BC/UBKT"})
    assert made.status_code == 201, made.json
    assert made.json["figures"]["financial.amount.total"] == 3_500_000_000
    assert made.json["changes_since"] == []
    listed = client.get("/api/v1/issued-reports", headers=headers)
    assert [i["reference"] for i in listed.json["items"]] == ["17-BC/UBKT"]
    one = client.get(made.headers["Location"], headers=headers)
    assert one.status_code == 200 and one.json["report"]["period"]["code"] == Q3
    assert client.post("/api/v1/issued-reports", headers=headers, json={
        "period": Q3, "org": w.district.id, "reference": "x"}).status_code == 422
