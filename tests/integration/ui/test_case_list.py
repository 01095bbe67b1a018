"""The case list: filters, accent-insensitive search, sorting, pages, CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.core.db import utcnow
from tests import factories as f
from tests.integration.ui.conftest import next_link, text


def _titles(page: str, wanted: list[str]) -> list[str]:
    """The wanted titles in the order the page shows them."""
    return sorted((t for t in wanted if t in page), key=page.index)


def test_search_ignores_diacritics_and_finds_by_reference(ui, w, make_case):
    case = make_case("Kiểm tra việc quản lý đất đai")
    other_member = f.member(w.cell, "Lê Văn Tám")
    other = cases.open_case(Actor.for_user(w.inspector), kind="inspection_violation",
                            title="Hồ sơ ông Tám", org_id=w.district.id,
                            subject_type="member", subject_id=other_member.id)
    ui.sign_in(w.inspector)
    for q in ("ngọc", "NGOC", "bich ngoc", "quan ly dat dai", "Quản lý đất đai", case.reference):
        page = text(ui.get("/cases", query_string={"q": q}))
        assert "Kiểm tra việc quản lý đất đai" in page, q
        assert other.title not in page, q
    assert "Hồ sơ ông Tám" in text(ui.get("/cases", query_string={"q": "tam"}))


def test_filters_by_state_phase_kind_org_year_overdue_and_mine(ui, w, make_case, session):
    last_year = date.today().year - 1
    first = make_case("Hồ sơ A đề xuất", now=datetime(last_year, 6, 1, 3, tzinfo=UTC))
    second = f.advance(w, make_case("Hồ sơ B đã quyết định"), f.FULL_PATH[:1])
    third = make_case("Hồ sơ C quá hạn")
    cases.fire_event(Actor.for_user(w.chair), third.id, "decide", expected_version=third.version,
                     data={"decision_number": "9", "decision_date": "2026-01-02"},
                     now=utcnow() - timedelta(days=40))
    third.team.clear()
    session.commit()
    ui.sign_in(w.chair)
    names = [first.title, second.title, third.title]

    def shown(**args):
        return _titles(text(ui.get("/cases", query_string=args)), names)

    assert set(shown()) == set(names)
    assert shown(state="proposed") == [first.title]
    assert set(shown(phase="planned")) == set(names)
    assert set(shown(kind="inspection_violation")) == set(names)
    assert shown(overdue="yes") == [third.title]
    assert set(shown(overdue="no")) == {first.title, second.title}
    assert set(shown(org_id=str(w.district.id))) == set(names)
    assert shown(org_id=str(w.grassroots.id)) == []  # the cases belong to the district
    assert set(shown(year=str(date.today().year))) == {second.title, third.title}
    assert shown(year=str(last_year)) == [first.title]
    ui.sign_in(w.inspector)
    assert set(shown(mine="y")) == {first.title, second.title}
    # A bad value is dropped and said so, never a 500.
    response = ui.get("/cases", query_string={"state": "nope", "page": "x", "org_id": "999999"})
    assert response.status_code == 200
    assert "Giá trị không hợp lệ" in text(response)


def test_sorting_by_title_and_pagination(ui, w, make_case):
    titles = [f"Hồ sơ số {n:02d}" for n in range(27)]
    for title in titles:
        make_case(title)
    ui.sign_in(w.chair)
    page1 = text(ui.get("/cases", query_string={"sort": "title"}))
    page2 = text(ui.get(next_link(page1)))
    assert _titles(page1, titles) == titles[:25]
    assert _titles(page2, titles) == titles[25:]
    assert "1–25 trong 27 hồ sơ" in page1 and "26–27 trong 27 hồ sơ" in page2
    assert 'rel="next"' not in page2 and 'rel="prev"' in page2
    descending = text(ui.get("/cases", query_string={"sort": "-title", "per_page": "50"}))
    assert _titles(descending, titles) == list(reversed(titles))


def test_out_of_scope_cases_are_never_listed(ui, w, make_case):
    make_case("Hồ sơ Vị Thanh")
    ui.sign_in(w.outsider)
    page = text(ui.get("/cases"))
    assert "Hồ sơ Vị Thanh" not in page and "Không có hồ sơ nào" in page
    export = ui.get("/cases/export.csv").get_data(as_text=True)
    assert "Hồ sơ Vị Thanh" not in export


def test_csv_export_has_the_same_filters_and_scope(ui, w, make_case):
    wanted = make_case("=HYPERLINK(\"http://x\") Đất đai")
    f.advance(w, make_case("Hồ sơ đã quyết định"), f.FULL_PATH[:1])
    ui.sign_in(w.chair)
    page = text(ui.get("/cases", query_string={"state": "proposed", "q": "dat dai"}))
    assert "/cases/export.csv?" in page and "state=proposed" in page
    response = ui.get("/cases/export.csv", query_string={"state": "proposed", "q": "dat dai"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Số hồ sơ", "Loại hồ sơ", "Tiêu đề"]
    assert len(rows) == 2
    assert rows[1][0] == wanted.reference
    assert rows[1][2].startswith("'=HYPERLINK")  # never a live formula in Excel
    assert rows[1][6] == "Đề xuất kiểm tra"
