"""GET /api/v1/cases by cursor: keyset pages with ties, kept filters, bad cursors, counts."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from hgkiemtra.cases import keyset
from hgkiemtra.cases.models import Case


def _walk(api, user, query: dict[str, str], key: str = "next_cursor") -> list[list[int]]:
    """The ids of every page, following ``key`` from the first page."""
    pages, cursor = [], None
    while True:
        args = dict(query, **({"cursor": cursor} if cursor else {}))
        r = api.get("/cases", user, query_string=args)
        assert r.status_code == 200, r.json
        pages.append([item["id"] for item in r.json["items"]])
        cursor = r.json[key]
        if cursor is None:
            return pages


def _same_moment(session, made: list[Case]) -> None:
    """Ties on the sort key: every case updated at the same instant, same title."""
    moment = datetime(2026, 3, 1, 8, tzinfo=UTC)
    session.execute(sa.update(Case).where(Case.id.in_([c.id for c in made[:5]]))
                    .values(updated_at=moment, title="Trùng tên"))
    session.commit()


def test_next_cursor_walks_every_case_once_across_ties(api, w, make_case, session):
    made = [make_case(f"Hồ sơ {n}") for n in range(7)]
    _same_moment(session, made)
    everyone = {c.id for c in made}
    for sort in ("-updated_at", "updated_at", "title", "-title", "opened_on", "-opened_on",
                 "id", "-id"):
        pages = _walk(api, w.chair, {"per_page": "2", "sort": sort})
        flat = [i for page in pages for i in page]
        assert len(flat) == len(set(flat)) == 7 and set(flat) == everyone, sort
        assert [len(p) for p in pages] == [2, 2, 2, 1], sort
        first = api.get("/cases", w.chair, query_string={"per_page": "7", "sort": sort})
        assert flat == [item["id"] for item in first.json["items"]], sort


def test_prev_cursor_leads_back_to_the_same_pages(api, w, make_case, session):
    made = [make_case(f"Hồ sơ {n}") for n in range(5)]
    _same_moment(session, made)
    first = api.get("/cases", w.chair, query_string={"per_page": "2"}).json
    assert first["prev_cursor"] is None and first["page"] == 1
    second = api.get("/cases", w.chair,
                     query_string={"per_page": "2", "cursor": first["next_cursor"]}).json
    third = api.get("/cases", w.chair,
                    query_string={"per_page": "2", "cursor": second["next_cursor"]}).json
    assert (second["page"], third["page"], third["next_cursor"]) == (2, 3, None)
    back = api.get("/cases", w.chair,
                   query_string={"per_page": "2", "cursor": third["prev_cursor"]}).json
    assert back["items"] == second["items"] and back["page"] == 2
    again = api.get("/cases", w.chair,
                    query_string={"per_page": "2", "cursor": back["prev_cursor"]}).json
    assert again["items"] == first["items"] and again["prev_cursor"] is None


def test_the_cursor_keeps_the_filters_it_is_sent_with(api, w, make_case, session):
    wanted = [make_case(f"Đất đai {n}") for n in range(3)]
    make_case("Tài chính")
    pages = _walk(api, w.chair, {"per_page": "2", "q": "dat dai"})
    assert sorted(i for p in pages for i in p) == sorted(c.id for c in wanted)


def test_page_numbers_still_work_and_offer_a_cursor(api, w, make_case):
    made = [make_case(f"Hồ sơ {n}") for n in range(5)]
    r = api.get("/cases?per_page=2&page=2&sort=id", w.chair).json
    assert [i["id"] for i in r["items"]] == [made[2].id, made[3].id]
    nxt = api.get("/cases", w.chair,
                  query_string={"per_page": "2", "sort": "id", "cursor": r["next_cursor"]})
    assert [i["id"] for i in nxt.json["items"]] == [made[4].id]
    assert nxt.json["page"] == 3


def test_bad_cursors_are_400(api, w, make_case):
    make_case("Hồ sơ một"), make_case("Hồ sơ hai")
    good = api.get("/cases?per_page=1", w.chair).json["next_cursor"]
    forged = keyset.Cursor("-updated_at", "next", "not a time", 1, 1).encode()
    for cursor in ("x", "!!!", "e30", good[:-3], forged, "eyJzIjoxfQ",
                   keyset.Cursor("-updated_at", "sideways", None, 1, 1).encode(),
                   keyset.Cursor("-id", "next", None, 2**40, 1).encode()):
        r = api.get("/cases", w.chair, query_string={"cursor": cursor})
        assert r.status_code == 400, cursor
        assert r.json["error"] == "bad_cursor", r.json
    # A cursor made for one sort does not fit another.
    r = api.get("/cases", w.chair, query_string={"cursor": good, "sort": "title"})
    assert r.status_code == 400


def test_count_stops_at_the_limit(api, w, make_case, monkeypatch):
    for n in range(5):
        make_case(f"Hồ sơ {n}")
    assert api.get("/cases", w.chair).json["total_exact"] is True
    monkeypatch.setattr(keyset, "COUNT_LIMIT", 3)
    r = api.get("/cases?per_page=2", w.chair).json
    assert (r["total"], r["total_exact"]) == (4, False)
    monkeypatch.setattr(keyset, "COUNT_LIMIT", 5)
    r = api.get("/cases?per_page=2", w.chair).json
    assert (r["total"], r["total_exact"], r["pages"]) == (5, True, 3)
