"""Organisations and users through the admin pages, within the admin's subtree."""

from __future__ import annotations

import sqlalchemy as sa

from hgkiemtra.auth.passwords import verify_password
from hgkiemtra.people.models import Organisation, RoleAssignment, User
from tests import factories as f
from tests.integration.ui.conftest import text

GOOD_PASSWORD = "mot-mat-khau-rat-dai-2026"


def test_the_tree_shows_every_organisation_with_its_dates(ui, w, session):
    w.other_district.valid_to = f.TODAY.replace(year=2025, month=6, day=30)
    w.other_district.successor = w.district
    session.commit()
    ui.sign_in(w.admin)
    page = text(ui.get("/admin/organisations"))
    for org in (w.province, w.district, w.grassroots, w.cell, w.other_district):
        assert f'id="org-{org.id}"' in page
    assert "30/06/2025" in page and f"kế thừa: {w.district.name}" in page
    assert "<details" in page  # folds without JavaScript


def test_creating_an_organisation_under_a_parent(ui, w, session):
    ui.sign_in(w.admin)
    response = ui.post("/admin/organisations", {
        "parent_id": w.grassroots.id, "name": "Chi bộ Khu vực 9", "code": "hg.vt.kv9",
        "level": "cell", "valid_from": "2026-01-01"}, form_page="/admin/organisations")
    assert response.status_code == 302
    org = session.scalar(sa.select(Organisation).where(Organisation.code == "HG.VT.KV9"))
    assert org.parent_id == w.grassroots.id and org.path.startswith(w.grassroots.path)
    # The same code again, and a level that cannot sit under the parent: the form says why.
    again = ui.post("/admin/organisations", {
        "parent_id": w.grassroots.id, "name": "Trùng mã", "code": "HG.VT.KV9", "level": "cell"},
        form_page="/admin/organisations")
    assert again.status_code == 422 and "đã được dùng" in text(again)
    wrong = ui.post("/admin/organisations", {
        "parent_id": w.cell.id, "name": "Sai cấp", "code": "X1", "level": "province"},
        form_page="/admin/organisations")
    assert wrong.status_code == 422


def test_a_district_admin_works_inside_their_subtree_only(ui, w, session):
    district_admin = f.user([("admin", w.district)], name="Quản trị huyện")
    session.commit()
    ui.sign_in(district_admin)
    page = text(ui.get("/admin/organisations"))
    assert f'id="org-{w.district.id}"' in page and f'id="org-{w.other_district.id}"' not in page
    response = ui.post("/admin/organisations", {
        "parent_id": w.other_district.id, "name": "Ngoài phạm vi", "code": "OUT1",
        "level": "grassroots"}, form_page="/admin/organisations")
    assert response.status_code == 422  # not one of the choices
    users = text(ui.get("/admin/users"))
    assert w.inspector.email in users and w.outsider.email not in users
    assert ui.get(f"/admin/users/{w.outsider.id}").status_code == 404
    # The province admin holds a role above this admin's subtree: no locking them out.
    response = ui.post(f"/admin/users/{w.admin.id}/active", {"active": "0"},
                       form_page="/admin/users")
    assert response.status_code == 404


def test_creating_a_user_with_a_role(ui, w, session):
    ui.sign_in(w.admin)
    assert ui.get("/admin/users/new").status_code == 200
    response = ui.post("/admin/users/new", {
        "full_name": "Nguyễn Thị Mới", "email": "Moi@Example.vn", "password": GOOD_PASSWORD,
        "role": "inspector", "org_id": w.district.id, "locale": "vi"},
        form_page="/admin/users/new")
    assert response.status_code == 302
    user = session.scalar(sa.select(User).where(User.email == "moi@example.vn"))
    assert verify_password(user.password_hash, GOOD_PASSWORD)
    assert [(a.role, a.org_id) for a in user.roles] == [("inspector", w.district.id)]
    weak = ui.post("/admin/users/new", {
        "full_name": "Yếu", "email": "yeu@example.vn", "password": "password1234",
        "role": "inspector", "org_id": w.district.id, "locale": "vi"},
        form_page="/admin/users/new")
    assert weak.status_code == 422 and "phổ biến" in text(weak)
    duplicate = ui.post("/admin/users/new", {
        "full_name": "Trùng", "email": "moi@example.vn", "password": GOOD_PASSWORD,
        "role": "inspector", "org_id": w.district.id, "locale": "vi"},
        form_page="/admin/users/new")
    assert duplicate.status_code == 422


def test_granting_and_revoking_roles(ui, w, session):
    ui.sign_in(w.admin)
    path = f"/admin/users/{w.inspector.id}"
    assert ui.post(f"{path}/roles", {"role": "viewer", "org_id": w.grassroots.id},
                   form_page=path).status_code == 302
    session.expire_all()
    roles = {(a.role, a.org_id): a.id for a in w.inspector.roles}
    assert ("viewer", w.grassroots.id) in roles
    twice = ui.post(f"{path}/roles", {"role": "viewer", "org_id": w.grassroots.id},
                    form_page=path)
    assert twice.status_code == 422
    assignment = roles[("viewer", w.grassroots.id)]
    assert ui.post(f"{path}/roles/{assignment}/revoke", form_page=path).status_code == 302
    session.expire_all()
    assert session.get(RoleAssignment, assignment) is None


def test_an_admin_cannot_remove_their_own_last_admin_role(ui, w, session):
    ui.sign_in(w.admin)
    path = f"/admin/users/{w.admin.id}"
    (assignment,) = [a.id for a in w.admin.roles if a.role == "admin"]
    response = ui.post(f"{path}/roles/{assignment}/revoke", form_page=path)
    assert response.status_code == 302
    assert "quản trị cuối cùng" in text(ui.get(path))
    session.expire_all()
    assert session.get(RoleAssignment, assignment) is not None
    # With a second admin role, the first may go.
    ui.post(f"{path}/roles", {"role": "admin", "org_id": w.district.id}, form_page=path)
    ui.post(f"{path}/roles/{assignment}/revoke", form_page=path)
    session.expire_all()
    assert session.get(RoleAssignment, assignment) is None


def test_locking_and_unlocking_an_account(ui, other_ui, w, session):
    other_ui.sign_in(w.inspector)
    assert other_ui.get("/").status_code == 200
    ui.sign_in(w.admin)
    path = f"/admin/users/{w.inspector.id}"
    assert ui.post(f"{path}/active", {"active": "0"}, form_page=path).status_code == 302
    session.expire_all()
    assert w.inspector.is_active is False
    assert other_ui.get("/").status_code == 302  # signed out at once
    ui.post(f"{path}/active", {"active": "1"}, form_page=path)
    session.expire_all()
    assert w.inspector.is_active is True
    # Not oneself.
    ui.post(f"/admin/users/{w.admin.id}/active", {"active": "0"}, form_page=path)
    session.expire_all()
    assert w.admin.is_active is True
