"""Workflows, the caller, organisations and members."""

from __future__ import annotations

from hgkiemtra.api.representations import MeOut, WorkflowList
from tests import factories as f
from workflows import registry


def test_workflows_describe_every_definition(api, w):
    r = api.get("/workflows", w.viewer)
    assert r.status_code == 200
    items = WorkflowList.model_validate(r.json).items
    assert r.json["items"] == [d.describe() for d in registry.all_definitions()]
    described = next(d for d in items if (d.name, d.version) == ("inspection_violation", 2))
    assert described.name == "inspection_violation" and described.initial == "proposed"
    decide = next(e for e in described.events if e.name == "decide")
    assert decide.sources == ["proposed"] and decide.destination == "decided"
    assert {s.name: s.phase for s in described.states}["closed"] == "closed"


def test_me_lists_roles_with_their_organisation(api, w):
    r = api.get("/me", w.chair)
    me = MeOut.model_validate(r.json)
    assert me.id == w.chair.id and me.full_name == "Lê Văn Chủ"
    assert [(x.role, x.org.id) for x in me.roles] == [("chair", w.district.id)]
    assert me.roles[0].label == "Chủ nhiệm UBKT"


def names(response) -> list[str]:
    return [o["name"] for o in response.json["items"]]


def test_organisations_in_scope_with_filters(api, w):
    r = api.get("/organisations", w.chair)
    assert names(r) == ["Thành ủy Vị Thanh", "Đảng ủy Phường I", "Chi bộ Khu vực 1"]
    assert r.json["items"][0]["is_active"] is True
    assert len(names(api.get("/organisations", w.admin))) == 5
    assert names(api.get("/organisations?q=phuong", w.chair)) == ["Đảng ủy Phường I"]
    assert names(api.get("/organisations?q=VỊ THANH", w.chair)) == ["Thành ủy Vị Thanh"]
    assert names(api.get("/organisations?q=nga bay", w.chair)) == []
    assert names(api.get("/organisations?level=cell", w.admin)) == ["Chi bộ Khu vực 1"]
    r = api.get("/organisations?per_page=1&page=2&q=u", w.admin)
    assert (len(r.json["items"]), r.json["total"], r.json["pages"]) == (1, 5, 5)
    assert api.get("/organisations?level=galaxy", w.admin).status_code == 422


def test_members_in_scope_with_search(api, w, session):
    duc = f.member(w.cell, "Nguyễn Văn Đức")
    f.member(w.other_district, "Nguyễn Văn Ngoài")
    session.commit()
    r = api.get("/members", w.chair, query_string={"q": "nguyen van duc"})
    assert [m["id"] for m in r.json["items"]] == [duc.id]
    assert r.json["items"][0]["org"] == {"id": w.cell.id, "name": "Chi bộ Khu vực 1"}
    assert r.json["total"] == 1
    assert len(api.get("/members?q=nguyen", w.admin).json["items"]) == 2
    assert len(api.get("/members", w.chair).json["items"]) == 2  # Đức and the world's subject
    assert api.get(f"/members?org_id={w.grassroots.id}", w.chair).json["total"] == 2
    assert api.get(f"/members?org_id={w.other_district.id}", w.chair).json["total"] == 0
    assert api.get("/members?org_id=x", w.chair).status_code == 422
