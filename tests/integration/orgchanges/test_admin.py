"""The organisation tree page: merge, split and dissolve forms, the tree on a
date, and the level that follows the parent. CSRF stays on."""

from __future__ import annotations

import sqlalchemy as sa

from hgkiemtra.people.change_models import OrganisationChange
from hgkiemtra.people.models import Organisation
from hgkiemtra.people.service import find_organisation
from tests import factories as f
from tests.integration.orgchanges.conftest import ON
from tests.integration.ui.conftest import text


def changes_count(session) -> int:
    return session.scalar(sa.select(sa.func.count(OrganisationChange.id)))


def test_the_dissolve_page_shows_what_will_move_and_needs_confirmation(ui, scene, session):
    w = scene.w
    ui.sign_in(scene.root_admin)
    path = f"/admin/organisations/{w.district.id}/dissolve"
    page = text(ui.get(path))
    assert scene.open_case.title in page and scene.closed_case.title not in page
    assert w.grassroots.name in page
    unconfirmed = ui.post(path, {"on": ON.isoformat(), "successor_id": scene.city.id},
                          form_page=path)
    assert unconfirmed.status_code == 422 and "xác nhận" in text(unconfirmed)
    assert changes_count(session) == 0
    done = ui.post(path, {"on": ON.isoformat(), "successor_id": scene.city.id, "confirm": "y",
                          "note": "Kết thúc cấp huyện"}, form_page=path)
    assert done.status_code == 302, text(done)
    session.expire_all()
    assert session.get(Organisation, w.district.id).successor_id == scene.city.id
    tree = text(ui.get("/admin/organisations"))
    assert "đã giải thể; công việc chuyển cho" in tree and "30/06/2025" in tree


def test_merge_into_a_new_organisation_from_the_form(ui, scene, session):
    w = scene.w
    ui.sign_in(scene.root_admin)
    path = f"/admin/organisations/{w.district.id}/merge"
    response = ui.post(path, {
        "on": ON.isoformat(), "target_id": 0, "new_code": "HG.MOI", "new_name": "Đảng bộ mới",
        "new_parent_id": 0, "others": [w.other_district.id], "confirm": "y"}, form_page=path)
    assert response.status_code == 302, text(response)
    new = find_organisation("HG.MOI")
    assert new.parent_id == w.province.id
    tree = text(ui.get("/admin/organisations"))
    assert "đã sáp nhập vào Đảng bộ mới" in tree


def test_split_with_assignments_from_the_form(ui, scene, session):
    w = scene.w
    second = f.member(w.cell, "Lê Văn Hai")
    session.commit()
    ui.sign_in(scene.root_admin)
    path = f"/admin/organisations/{w.cell.id}/split"
    page = text(ui.get(path))
    assert f'name="assign-member-{second.id}"' in page
    response = ui.post(path, {
        "on": ON.isoformat(), "succ1_id": 0, "succ1_code": "C.A", "succ1_name": "Chi bộ A",
        "succ2_id": 0, "succ2_code": "C.B", "succ2_name": "Chi bộ B", "succ3_id": 0,
        f"assign-member-{second.id}": "2", "confirm": "y"}, form_page=path)
    assert response.status_code == 302, text(response)
    session.expire_all()
    assert second.org_id == find_organisation("C.B").id
    assert w.subject.org_id == find_organisation("C.A").id


def test_bad_input_gives_a_form_error_never_a_500(ui, scene, session):
    w = scene.w
    ui.sign_in(scene.root_admin)
    path = f"/admin/organisations/{w.district.id}/merge"
    cases = [
        {"on": ON.isoformat(), "target_id": 0, "confirm": "y"},  # no new org named
        {"on": "2999-01-01", "target_id": scene.city.id, "confirm": "y"},
        {"on": "not-a-date", "target_id": scene.city.id, "confirm": "y"},
        {"on": ON.isoformat(), "target_id": 999999, "confirm": "y"},
        {"on": ON.isoformat(), "target_id": 0, "new_code": "Mã có dấu", "new_name": "X",
         "confirm": "y"},
    ]
    for data in cases:
        response = ui.post(path, {"new_parent_id": 0, **data}, form_page=path)
        assert response.status_code == 422, data
    split = f"/admin/organisations/{w.cell.id}/split"
    one = ui.post(split, {"on": ON.isoformat(), "succ1_id": scene.city.id, "succ2_id": 0,
                          "succ3_id": 0, "confirm": "y"}, form_page=split)
    assert one.status_code == 422 and "ít nhất hai" in text(one)
    assert changes_count(session) == 0
    assert ui.get("/admin/organisations/999999/dissolve").status_code == 404


def test_csrf_and_admin_only(ui, scene, session):
    w = scene.w
    path = f"/admin/organisations/{w.district.id}/dissolve"
    ui.sign_in(w.chair)
    assert ui.get(path).status_code == 403
    ui.sign_in(scene.root_admin)
    no_token = ui.client.post(path, data={"on": ON.isoformat(), "successor_id": 0,
                                          "confirm": "y"})
    assert no_token.status_code in (400, 422)
    assert changes_count(session) == 0
    # A district admin may not hand work to an organisation outside their tree.
    district_admin = f.user([("admin", w.district)])
    session.commit()
    ui.sign_in(district_admin)
    assert ui.get(f"/admin/organisations/{w.province.id}/dissolve").status_code == 404
    response = ui.post(f"/admin/organisations/{w.grassroots.id}/dissolve",
                       {"on": ON.isoformat(), "successor_id": scene.city.id, "confirm": "y"},
                       form_page=f"/admin/organisations/{w.grassroots.id}/dissolve")
    assert response.status_code == 422 and changes_count(session) == 0


def test_the_tree_on_a_past_date(ui, scene, session):
    w = scene.w
    ui.sign_in(scene.root_admin)
    path = f"/admin/organisations/{w.district.id}/dissolve"
    ui.post(path, {"on": ON.isoformat(), "successor_id": 0, "confirm": "y"}, form_page=path)
    before = text(ui.get("/admin/organisations?on=2025-06-30"))
    after = text(ui.get("/admin/organisations?on=2025-07-01"))
    assert f'id="org-{w.district.id}"' in before and f'id="org-{w.district.id}"' not in after
    moved = session.get(Organisation, w.grassroots.id).successor_id
    assert f'id="org-{moved}"' in after and f'id="org-{moved}"' not in before
    bad = ui.get("/admin/organisations?on=hôm-qua")
    assert bad.status_code == 200 and "Ngày không hợp lệ" in text(bad)


def test_the_level_follows_the_chosen_parent(ui, scene, session):
    w = scene.w
    ui.sign_in(scene.root_admin)
    page = text(ui.get(f"/admin/organisations?parent={w.grassroots.id}"))
    level_select = page.split('id="level"')[1].split("</select>")[0]
    assert 'value="cell"' in level_select and 'value="district"' not in level_select
    assert 'hx-get="/admin/organisations/levels"' in page
    fragment = text(ui.get(f"/admin/organisations/levels?parent_id={w.district.id}"))
    assert 'value="grassroots"' in fragment and 'value="province"' not in fragment
    assert 'id="level-field"' in fragment
    wrong = ui.post("/admin/organisations", {
        "parent_id": w.grassroots.id, "name": "Sai cấp", "code": "SAI1", "level": "district"},
        form_page="/admin/organisations")
    assert wrong.status_code == 422
    assert "không thể trực thuộc" in text(wrong)
    assert find_organisation("SAI1") is None


def test_the_moved_case_page_shows_the_transfer(ui, scene, session):
    w = scene.w
    ui.sign_in(scene.root_admin)
    path = f"/admin/organisations/{w.district.id}/dissolve"
    ui.post(path, {"on": ON.isoformat(), "successor_id": scene.city.id, "confirm": "y",
                   "note": "QĐ 01-QĐ/TW"}, form_page=path)
    ui.sign_in(scene.city_chair)
    page = text(ui.get(f"/cases/{scene.open_case.id}"))
    assert "Chuyển sang tổ chức kế thừa" in page
    assert f"{w.district.name} → {scene.city.name}. QĐ 01-QĐ/TW" in page
    assert "Chuỗi nhật ký toàn vẹn" in page
    ui.sign_in(w.chair)
    assert ui.get(f"/cases/{scene.open_case.id}").status_code == 404
    assert ui.get(f"/cases/{scene.closed_case.id}").status_code == 200
