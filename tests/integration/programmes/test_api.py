"""The programme and target endpoints: shapes from the document, codes, scope."""

from __future__ import annotations

from typing import Any

from hgkiemtra.programmes import opening
from tests import factories as f
from tests.integration.api.conftest import Api
from tests.integration.programmes.conftest import build_plan, local


def item_body(w: f.World, **kw: Any) -> dict[str, Any]:
    return {"case_kind": "supervision", "subject": {"type": "member", "id": w.subject.id},
            "content": "Giám sát chuyên đề", "quarter": 1,
            "responsible_user_id": w.committee_member.id, **kw}


def test_create_add_approve_open(api: Api, w: f.World, session: Any) -> None:
    session.commit()
    made = api.post("/programmes", w.inspector, {"org_id": w.district.id, "year": 2026,
                                                 "kind": "supervision", "title": "GS 2026"})
    assert made.status_code == 201, made.json
    pid = made.json["id"]
    assert made.headers["Location"].endswith(f"/api/v1/programmes/{pid}")
    assert made.json["status"] == "draft" and made.json["items"] == []
    again = api.post("/programmes", w.inspector, {"org_id": w.district.id, "year": 2026,
                                                  "kind": "supervision", "title": "Lần hai"})
    assert again.status_code == 422
    item = api.post(f"/programmes/{pid}/items", w.inspector, item_body(w))
    assert item.status_code == 201 and item.json["status"] == "not_opened"
    assert item.json["subject"]["name"] == w.subject.full_name
    assert api.post(f"/programmes/{pid}/approve", w.inspector, {}).status_code == 403
    approved = api.post(f"/programmes/{pid}/approve", w.chair, {})
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert approved.json["approved_by"]["user_id"] == w.chair.id
    opened = api.post(f"/programmes/{pid}/items/{item.json['id']}/open", w.chair, {})
    assert opened.status_code == 200 and opened.json["status"] == "open"
    assert opened.json["case_reference"].startswith("GS.")
    twice = api.post(f"/programmes/{pid}/items/{item.json['id']}/open", w.chair, {})
    assert twice.status_code == 422
    got = api.get(f"/programmes/{pid}", w.viewer)
    assert got.status_code == 200 and got.json["quarters"][0]["open"] == 1
    listed = api.get("/programmes?year=2026", w.viewer)
    assert [p["id"] for p in listed.json["items"]] == [pid]


def test_refusals(api: Api, w: f.World, session: Any) -> None:
    plan = build_plan(w, approve=False)
    session.commit()
    pid = plan.programme.id
    assert api.get(f"/programmes/{pid}", w.outsider).status_code == 404
    assert api.get("/programmes?year=2026", w.outsider).json["items"] == []
    assert api.get("/programmes/99999", w.chair).status_code == 404
    assert api.post(f"/programmes/{pid}/items", w.viewer, item_body(w)).status_code == 403
    assert api.post(f"/programmes/{pid}/items", w.chair,
                    item_body(w, quarter=5)).status_code == 422
    assert api.post(f"/programmes/{pid}/items", w.chair,
                    item_body(w, extra=1)).status_code == 422
    assert api.post(f"/programmes/{pid}/items", w.chair,
                    item_body(w, case_kind="discipline")).status_code == 422
    assert api.get("/programmes?year=1999", w.chair).status_code == 422
    assert api.post("/programmes", None, {}).status_code == 401
    assert api.post("/programmes", w.viewer, {"org_id": w.district.id, "year": 2026,
                                              "kind": "supervision", "title": "X"}
                    ).status_code == 403


def test_targets_with_progress(api: Api, w: f.World, session: Any) -> None:
    plan = build_plan(w)
    opening.open_due(local(2026, 12, 1))
    f.member(w.cell, "Đảng viên thứ hai")
    session.commit()
    body = {"org_id": w.district.id, "year": 2026, "supervised_share": 50,
            "inspected_share": 25}
    assert api.post("/targets", w.committee_member, body).status_code == 403
    saved = api.post("/targets", w.chair, body)
    assert saved.status_code == 200, saved.json
    got = saved.json
    assert (got["members"], got["supervised_members"], got["supervised_pct"]) == (2, 1, 50.0)
    assert (got["organisations"], got["inspected_orgs"], got["supervised_needed"]) == (2, 1, 1)
    listed = api.get("/targets?year=2026", w.viewer).json["items"]
    assert [t["org_id"] for t in listed] == [w.district.id]
    progress = api.get(f"/targets/progress?org_id={w.cell.id}&year=2026", w.viewer)
    assert progress.status_code == 200 and progress.json["supervised_share"] is None
    assert api.get(f"/targets/progress?org_id={w.cell.id}", w.viewer).status_code == 422
    assert api.get(f"/targets/progress?org_id={w.cell.id}&year=2026",
                   w.outsider).status_code == 422
    assert plan.programme.id
