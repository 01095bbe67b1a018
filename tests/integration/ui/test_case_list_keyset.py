"""The case list pages by keyset: next/previous links, kept filters, bad links, long lists."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from hgkiemtra.cases import keyset
from hgkiemtra.cases.models import Case
from tests.integration.ui.conftest import next_link, text


def _ids_shown(page: str, made: list[Case]) -> list[int]:
    found = [(page.index(f'href="/cases/{c.id}"'), c.id) for c in made
             if f'href="/cases/{c.id}"' in page]
    return [case_id for _, case_id in sorted(found)]


def test_next_and_previous_walk_pages_with_ties_and_keep_filters(ui, w, make_case, session):
    made = [make_case(f"Đất đai {n:02d}") for n in range(30)]
    make_case("Tài chính")  # filtered out by the search
    # Every case updated at the same moment: the id breaks the tie.
    session.execute(sa.update(Case).values(updated_at=datetime(2026, 3, 1, tzinfo=UTC)))
    session.commit()
    ui.sign_in(w.chair)
    first = text(ui.get("/cases", query_string={"q": "dat dai"}))
    assert "1–25 trong 30 hồ sơ" in first and 'rel="prev"' not in first
    link = next_link(first)
    assert "q=dat+dai" in link and "page=" not in link
    second = text(ui.get(link))
    assert "26–30 trong 30 hồ sơ" in second and "Tài chính" not in second
    shown = _ids_shown(first, made) + _ids_shown(second, made)
    assert sorted(shown) == sorted(c.id for c in made) and len(shown) == 30
    back = text(ui.get(next_link(second, "prev")))
    assert _ids_shown(back, made) == _ids_shown(first, made)
    assert "1–25 trong 30 hồ sơ" in back and 'rel="prev"' not in back


def test_sort_links_drop_the_cursor(ui, w, make_case):
    for n in range(27):
        make_case(f"Hồ sơ {n:02d}")
    ui.sign_in(w.chair)
    second = text(ui.get(next_link(text(ui.get("/cases")))))
    assert "cursor=" in second
    sort_links = [a for a in second.split('class="sort-link"')[0].split("<a href=")
                  if "sort=" in a]
    assert sort_links and all("cursor=" not in a.split('"')[1] for a in sort_links)


def test_a_bad_cursor_shows_the_first_page_with_a_message(ui, w, make_case):
    make_case("Hồ sơ một")
    ui.sign_in(w.chair)
    other_sort = keyset.Cursor("title", "next", "A", 1, 26).encode()
    for cursor in ("garbage", "e30", other_sort):
        response = ui.get("/cases", query_string={"cursor": cursor})
        assert response.status_code == 400, cursor
        page = text(response)
        assert "Liên kết trang không hợp lệ" in page and "Hồ sơ một" in page


def test_a_long_list_is_counted_only_up_to_the_limit(ui, w, make_case, monkeypatch):
    for n in range(5):
        make_case(f"Hồ sơ {n}")
    monkeypatch.setattr(keyset, "COUNT_LIMIT", 3)
    ui.sign_in(w.chair)
    page = text(ui.get("/cases"))
    assert "1–5 trong hơn 3 hồ sơ" in page and "chỉ đếm đến 3 hồ sơ" in page


def test_search_with_and_without_diacritics(ui, w, make_case):
    wanted = make_case("Quản lý đất đai ở phường Đông Hòa")
    make_case("Tài chính công đoàn")
    ui.sign_in(w.chair)
    for q in ("đông hòa", "dong hoa", "ĐÔNG HÒA", "Dong Hoa", "ông hò"):
        page = text(ui.get("/cases", query_string={"q": q}))
        assert wanted.title in page and "Tài chính công đoàn" not in page, q
