"""Linked cases through the API (POST /cases/{id}/links) and the case page's form;
both ends show the link."""

from __future__ import annotations

from tests import factories as f
from tests.integration.ui.conftest import text

from .conftest import walked

GROUNDS = "Kết luận xác định có vi phạm"


def test_api_opens_a_linked_inspection_and_both_cases_list_it(w, api, session) -> None:
    parent = walked(w, "denunciation-v2-correct", 3)
    session.commit()
    r = api.post(f"/cases/{parent.id}/links", w.chair,
                 {"kind": "inspection", "note": GROUNDS, "version": parent.version})
    assert r.status_code == 201, r.json
    (opened,) = r.json["opened"]
    assert (opened["kind"], opened["direction"]) == ("spawned_inspection", "outgoing")
    assert r.headers["Location"].endswith(f"/api/v1/cases/{opened['case_id']}")
    assert r.json["case"]["links"] == [opened]
    child = api.get(f"/cases/{opened['case_id']}", w.chair).json
    assert child["kind"] == "inspection_violation"
    assert child["links"] == [{"kind": "spawned_inspection", "case_id": parent.id,
                               "reference": parent.reference, "direction": "incoming"}]


def test_api_member_cases_from_an_organisation_case(w, api, session) -> None:
    parent = walked(w, "inspection_violation-v2-org-discipline", 7)
    other = f.member(w.grassroots, "Phan Văn Phó Bí Thư")
    session.commit()
    r = api.post(f"/cases/{parent.id}/links", w.chair,
                 {"kind": "member_case", "target_kind": "discipline", "note": GROUNDS,
                  "member_ids": [w.subject.id, other.id]})
    assert r.status_code == 201, r.json
    assert [o["kind"] for o in r.json["opened"]] == ["member_case", "member_case"]
    for o in r.json["opened"]:
        back = api.get(f"/cases/{o['case_id']}", w.chair).json["links"]
        assert back == [{"kind": "member_case", "case_id": parent.id,
                         "reference": parent.reference, "direction": "incoming"}]


def test_api_refusals(w, api, session) -> None:
    parent = walked(w, "denunciation-v2-correct", 3)
    session.commit()
    body = {"kind": "inspection", "note": GROUNDS}
    assert api.post(f"/cases/{parent.id}/links", w.outsider, body).status_code == 404
    assert api.post(f"/cases/{parent.id}/links", w.viewer, body).status_code == 403
    r = api.post(f"/cases/{parent.id}/links", w.chair, {**body, "kind": "escalation"})
    assert r.status_code == 422 and "khiếu nại kỷ luật" in r.json["message"]
    r = api.post(f"/cases/{parent.id}/links", w.chair, {**body, "version": parent.version + 5})
    assert r.status_code == 409
    assert api.post(f"/cases/{parent.id}/links", w.chair, {"kind": "inspection"}).status_code \
        == 422
    assert api.post("/cases/2000000000/links", w.chair, body).status_code == 404
    assert api.get(f"/cases/{parent.id}", w.chair).json["links"] == []


def test_api_escalation_by_the_level_above(w, api, session) -> None:
    parent = walked(w, "complaint-escalated")
    session.commit()
    body = {"kind": "escalation", "note": "Vượt thẩm quyền cấp huyện"}
    r = api.post(f"/cases/{parent.id}/links", w.chair, body)
    assert r.status_code == 403 and "ngoài phạm vi" in r.json["message"]
    r = api.post(f"/cases/{parent.id}/links", w.admin, body)
    assert r.status_code == 201
    child = api.get(f"/cases/{r.json['opened'][0]['case_id']}", w.admin).json
    assert (child["kind"], child["org"]["id"]) == ("discipline_complaint", w.province.id)


def test_ui_opens_a_linked_discipline_case_and_both_pages_show_it(w, ui, session) -> None:
    parent = walked(w, "inspection_violation-v2-mem-violation_no_discipline", 7)
    session.commit()
    ui.sign_in(w.chair)
    page = text(ui.get(f"/cases/{parent.id}"))
    assert "Chưa có hồ sơ liên kết." in page
    assert f'action="/cases/{parent.id}/links"' in page and 'value="discipline"' in page
    assert 'value="escalation"' not in page  # offered only where it may be opened
    r = ui.post(f"/cases/{parent.id}/links", {"kind": "discipline", "note": "",
                                               "version": parent.version},
                form_page=f"/cases/{parent.id}")
    assert r.status_code == 422 and "Trường này là bắt buộc" in text(r)
    r = ui.post(f"/cases/{parent.id}/links", {"kind": "discipline", "note": GROUNDS,
                                               "version": parent.version},
                form_page=f"/cases/{parent.id}")
    assert r.status_code == 302
    page = text(ui.get(f"/cases/{parent.id}"))
    assert "Đã mở 1 hồ sơ liên kết: KL." in page and "Đã mở hồ sơ xem xét kỷ luật" in page
    child_ref = page.split("Đã mở 1 hồ sơ liên kết: ")[1].split(".", 3)
    child_id = int(child_ref[2])
    child_page = text(ui.get(f"/cases/{child_id}"))
    assert "Xem xét kỷ luật từ hồ sơ" in child_page and parent.reference in child_page


def test_ui_refusals(w, ui, session) -> None:
    parent = walked(w, "denunciation-v2-correct", 3)
    fresh = f.case(w)
    session.commit()
    ui.sign_in(w.viewer)
    page = text(ui.get(f"/cases/{parent.id}"))
    assert f'action="/cases/{parent.id}/links"' not in page
    assert ui.get(f"/cases/{parent.id}/links").status_code == 302  # nothing to open
    ui.sign_in(w.outsider)
    assert ui.get(f"/cases/{parent.id}/links").status_code == 404
    ui.sign_in(w.chair)
    assert f'action="/cases/{fresh.id}/links"' not in text(ui.get(f"/cases/{fresh.id}"))
    r = ui.post(f"/cases/{parent.id}/links", {"kind": "inspection", "note": GROUNDS,
                                               "version": parent.version - 1},
                form_page=f"/cases/{parent.id}")
    assert r.status_code == 422 and "đã được người khác cập nhật" in text(r)
