"""GET /api/v1/cases: scope, filters, search, sorting and pagination."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from hgkiemtra.cases import service as cases
from hgkiemtra.deadlines.models import Deadline
from tests import factories as f


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_list_is_scoped_and_newest_first(api, w, make_case, session):
    first, second = make_case("Hồ sơ một"), make_case("Hồ sơ hai")
    other_subject = f.member(w.other_district, "Lý Văn Ngoài")
    elsewhere = cases.open_case(
        w.actor(w.outsider),
        kind="inspection_violation",
        title="Ngoài phạm vi",
        org_id=w.other_district.id,
        subject_type="member",
        subject_id=other_subject.id,
    )
    session.commit()
    assert ids(api.get("/cases", w.chair)) == [second.id, first.id]
    assert ids(api.get("/cases", w.outsider)) == [elsewhere.id]
    assert set(ids(api.get("/cases", w.admin))) == {first.id, second.id, elsewhere.id}
    item = api.get("/cases", w.chair).json["items"][0]
    assert item["reference"] and item["state_label"] == "Đề xuất kiểm tra"
    assert item["overdue"] is False and "allowed_events" not in item


def test_filters_state_phase_kind(api, w, make_case):
    proposed = make_case()
    decided = make_case()
    api.fire(
        decided.id,
        w.chair,
        "decide",
        1,
        data={"decision_number": "1", "decision_date": "2026-01-01"},
    )
    assert ids(api.get("/cases?state=decided", w.chair)) == [decided.id]
    assert ids(api.get("/cases?phase=planned", w.chair)) == [decided.id, proposed.id]
    assert ids(api.get("/cases?phase=underway", w.chair)) == []
    assert len(ids(api.get("/cases?kind=inspection_violation", w.chair))) == 2


def test_org_subtree_filter(api, w, make_case, session):
    at_district = make_case()
    at_grassroots = cases.open_case(
        w.actor(w.chair),
        kind="inspection_violation",
        title="Cấp cơ sở",
        org_id=w.grassroots.id,
        subject_type="member",
        subject_id=w.subject.id,
    )
    session.commit()
    assert ids(api.get(f"/cases?org_id={w.district.id}", w.chair)) == [
        at_grassroots.id,
        at_district.id,
    ]
    assert ids(api.get(f"/cases?org_id={w.grassroots.id}", w.chair)) == [at_grassroots.id]
    assert ids(api.get(f"/cases?org_id={w.cell.id}", w.chair)) == []
    assert ids(api.get(f"/cases?org_id={w.other_district.id}", w.chair)) == []
    assert ids(api.get("/cases?org_id=123456789", w.chair)) == []


def test_overdue_filter_and_flags(api, w, make_case, session):
    late, on_time, idle = make_case(), make_case(), make_case()
    for c in (late, on_time):
        api.fire(
            c.id, w.chair, "decide", 1, data={"decision_number": "1", "decision_date": "2026-01-01"}
        )
    session.execute(
        sa.update(Deadline)
        .where(Deadline.case_id == late.id)
        .values(due_on=cases.local_today() - timedelta(days=3))
    )
    session.commit()
    assert ids(api.get("/cases?overdue=true", w.chair)) == [late.id]
    # newest change first: on_time was decided after idle was opened
    assert ids(api.get("/cases?overdue=false", w.chair)) == [on_time.id, idle.id]
    items = {i["id"]: i["overdue"] for i in api.get("/cases", w.chair).json["items"]}
    assert items == {late.id: True, on_time.id: False, idle.id: False}
    body = api.get(f"/cases/{late.id}", w.chair).json
    assert body["overdue"] is True
    (deadline,) = body["deadlines"]
    assert deadline["overdue"] is True and deadline["status"] == "open"
    assert deadline["rule"] == "launch" and deadline["explanation"] and deadline["citation"]


def test_search_ignores_diacritics_and_matches_id_and_reference(api, w, make_case, session):
    duc = f.member(w.cell, "Nguyễn Văn Đức")
    other = make_case("Kiểm tra tài chính")
    found = cases.open_case(
        w.actor(w.inspector),
        kind="inspection_violation",
        title="Kiểm tra đảng viên",
        org_id=w.district.id,
        subject_type="member",
        subject_id=duc.id,
    )
    session.commit()
    for q in ("nguyen van duc", "NGUYỄN VĂN ĐỨC", "Đức", "van duc"):
        assert ids(api.get("/cases", w.chair, query_string={"q": q})) == [found.id], q
    assert ids(api.get("/cases", w.chair, query_string={"q": "tai chinh"})) == [other.id]
    assert ids(api.get("/cases", w.chair, query_string={"q": str(other.id)})) == [other.id]
    assert ids(api.get("/cases", w.chair, query_string={"q": found.reference})) == [found.id]
    assert ids(api.get("/cases", w.chair, query_string={"q": "100%_"})) == []
    assert ids(api.get("/cases", w.outsider, query_string={"q": "duc"})) == []


def test_pagination_and_sorting(api, w, make_case):
    made = [make_case(f"Hồ sơ {letter}") for letter in "CAEBD"]
    r = api.get("/cases?per_page=2&page=2&sort=id", w.chair)
    assert r.json["items"][0]["id"] == made[2].id
    assert (r.json["page"], r.json["per_page"], r.json["total"], r.json["pages"]) == (2, 2, 5, 3)
    assert ids(api.get("/cases?per_page=2&page=3&sort=id", w.chair)) == [made[4].id]
    assert ids(api.get("/cases?per_page=2&page=9", w.chair)) == []
    titles = [i["title"] for i in api.get("/cases?sort=title", w.chair).json["items"]]
    assert titles == sorted(titles)
    assert ids(api.get("/cases?sort=-id", w.chair)) == [c.id for c in reversed(made)]
    assert ids(api.get("/cases?sort=opened_on", w.chair)) == [c.id for c in made]
    r = api.get("/cases", w.chair)
    assert (r.json["page"], r.json["per_page"]) == (1, 50)
    assert api.get("/cases?per_page=200", w.chair).status_code == 200


def test_invalid_filters_are_422(api, w):
    for query in (
        "phase=nowhere",
        "state=limbo",
        "kind=x",
        "org_id=abc",
        "org_id=1.5",
        "page=0",
        "page=-1",
        "per_page=0",
        "per_page=201",
        "overdue=maybe",
        "sort=colour",
        "colour=red",
        "org_id=99999999999",
        "q=" + "x" * 201,
        "q=a%00b",
    ):
        r = api.get(f"/cases?{query}", w.chair)
        assert (r.status_code, r.json["error"]) == (422, "validation_error"), query
        assert r.json["message"]
