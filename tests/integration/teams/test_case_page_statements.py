"""The case page's cost does not grow with what it lists: the link form names each
member's organisation from one query, however many cells the members sit in."""

from __future__ import annotations

from tests import factories as f
from tests.integration.ui.conftest import text
from tests.statements import recorded

from .conftest import walked


def _page_selects(ui, path: str) -> tuple[int, str]:
    with recorded(selects_only=True) as seen:
        page = ui.get(path)
    assert page.status_code == 200
    return len(seen), text(page)


def test_member_choices_cost_one_query_however_many_cells(w, ui, session) -> None:
    parent = walked(w, "inspection_violation-v2-org-discipline", 7)
    session.commit()
    ui.sign_in(w.chair)
    path = f"/cases/{parent.id}"
    ui.get(path)  # templates compiled, caches filled
    few, page = _page_selects(ui, path)
    assert "Trần Thị Bích Ngọc — Chi bộ Khu vực 1" in page
    for n in range(4):
        cell = f.org(f"Chi bộ Khu vực {n + 2}", "cell", w.grassroots)
        f.member(cell, f"Đảng viên số {n + 2}")
    session.commit()
    many, page = _page_selects(ui, path)
    assert "Đảng viên số 5 — Chi bộ Khu vực 5" in page
    assert many == few


def test_list_statements_do_not_grow_with_deadlines_or_organisations(w, ui, session) -> None:
    for n in range(2):
        walked(w, "inspection_violation-v2-org-discipline", 2 + n)
    session.commit()
    ui.sign_in(w.chair)
    ui.get("/cases")
    few, _ = _page_selects(ui, "/cases")
    for n in range(4):
        f.org(f"Chi bộ mới {n}", "cell", w.grassroots)
        walked(w, "inspection_violation-v2-org-discipline", 3)
    session.commit()
    many, page = _page_selects(ui, "/cases")
    assert "Chi bộ mới 3" in page  # the organisation filter lists it
    # The user with roles (one join), the organisations, opened years (ends, probes),
    # the page, its count, its deadlines.
    assert many == few == 7
