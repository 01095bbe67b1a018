"""Opening a case through the two-step form (works without JavaScript)."""

from __future__ import annotations

from hgkiemtra.cases.models import Case
from tests import factories as f
from tests.integration.ui.conftest import text


def test_step_one_finds_the_subject_by_name_without_accents(ui, w):
    f.member(w.cell, "Nguyễn Thị Hồng Đào")
    ui.sign_in(w.inspector)
    page = text(ui.get("/cases/new"))
    assert 'name="org_id"' in page and "Thành ủy Vị Thanh" in page
    assert "Thị ủy Ngã Bảy" not in page  # outside the inspector's scope
    found = text(ui.get("/cases/new", query_string={
        "kind": "inspection_violation", "org_id": w.district.id, "subject_type": "member",
        "subject_q": "hong dao"}))
    assert "Nguyễn Thị Hồng Đào" in found
    assert "Trần Thị Bích Ngọc" not in found
    assert 'name="title"' in found and "Võ Minh Kiểm" in found  # staff for the team


def test_step_two_opens_the_case_with_its_team(ui, w, session):
    ui.sign_in(w.inspector)
    query = {"kind": "inspection_violation", "org_id": w.district.id,
             "subject_type": "member", "subject_q": "ngoc"}
    response = ui.post("/cases/new", {
        **query, "subject_id": w.subject.id, "title": "Kiểm tra việc sử dụng đất công",
        "summary": "Đơn phản ánh của nhân dân.", "leader_id": w.inspector.id,
        "directing_id": w.committee_member.id, "member_ids": [w.chair.id],
    }, form_page="/cases/new?" + "&".join(f"{k}={v}" for k, v in query.items()))
    assert response.status_code == 302
    case = session.query(Case).filter_by(title="Kiểm tra việc sử dụng đất công").one()
    assert response.headers["Location"] == f"/cases/{case.id}"
    assert case.state == "proposed" and case.subject_member_id == w.subject.id
    assert {(s.user_id, s.team_role) for s in case.team} == {
        (w.inspector.id, "leader"), (w.committee_member.id, "directing"), (w.chair.id, "member")}
    assert f"Đã lập hồ sơ {case.reference}." in text(ui.get(response.headers["Location"]))


def test_step_two_without_a_subject_or_title_shows_the_errors(ui, w, session):
    ui.sign_in(w.inspector)
    response = ui.post("/cases/new", {"kind": "inspection_violation", "org_id": w.district.id,
                                      "subject_type": "member", "title": ""})
    assert response.status_code == 422
    page = text(response)
    assert "Hãy chọn đối tượng." in page and "Trường này là bắt buộc." in page
    assert session.query(Case).count() == 0


def test_a_viewer_cannot_open_cases(ui, w):
    ui.sign_in(w.viewer)
    assert ui.get("/cases/new").status_code == 403
