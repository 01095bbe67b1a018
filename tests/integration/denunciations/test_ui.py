"""The vault in the web UI: intake on the new-case form, the case page, the reveal
flow between two people, and the admin's custodian page."""

from __future__ import annotations

from urllib.parse import urlencode

from hgkiemtra.cases.models import Case
from hgkiemtra.denunciations.models import DenouncerIdentity, RevealRequest, VaultCustodian
from tests.integration.denunciations.conftest import MARKER_NAME, make_custodian, with_denouncer
from tests.integration.ui.conftest import text


def start_query(w) -> dict[str, object]:
    return {"kind": "denunciation", "org_id": w.district.id, "subject_type": "member",
            "subject_q": "ngoc"}


def intake(ui, w, **fields: str):
    query = start_query(w)
    return ui.post("/cases/new", {
        **query, "subject_id": w.subject.id, "leader_id": w.inspector.id,
        "denouncer-full_name": MARKER_NAME, "denouncer-phone": "0909000111",
        "denouncer-address": "Số 7, phường I", **fields,
    }, form_page="/cases/new?" + urlencode(query))


def test_the_new_case_form_takes_the_denouncer_and_shows_a_pseudonym(ui, w, session):
    ui.sign_in(w.inspector)
    page = text(ui.get("/cases/new?" + urlencode(start_query(w))))
    assert 'name="denouncer-full_name"' in page
    other = text(ui.get("/cases/new?" + urlencode({**start_query(w),
                                                   "kind": "inspection_violation"})))
    assert 'name="denouncer-full_name"' not in other
    response = intake(ui, w, title="Tố cáo vi phạm quản lý đất đai")
    assert response.status_code == 302
    case = session.query(Case).filter_by(kind="denunciation").one()
    row = session.query(DenouncerIdentity).filter_by(case_id=case.id).one()
    shown = text(ui.get(f"/cases/{case.id}"))
    assert f"Người tố cáo #{row.pseudonym}" in shown and MARKER_NAME not in shown


def test_a_failed_form_never_sends_the_identity_back(ui, w, session):
    ui.sign_in(w.inspector)
    response = intake(ui, w, title="")
    assert response.status_code == 422
    page = text(response)
    assert MARKER_NAME not in page and "0909000111" not in page
    assert "đã được xóa khỏi biểu mẫu" in page
    no_name = intake(ui, w, title="Tố cáo", **{"denouncer-full_name": ""})
    assert no_name.status_code == 422 and "Hãy nhập họ và tên người tố cáo" in text(no_name)
    assert session.query(Case).count() == 0


def test_request_approve_and_reveal_once(app, ui, other_ui, w, session):
    case = with_denouncer(app, w)
    make_custodian(w)
    session.commit()
    vault_page = f"/cases/{case.id}/denouncer"
    ui.sign_in(w.inspector)
    other_ui.sign_in(w.chair)
    empty = ui.post(f"{vault_page}/requests", {"reason": ""}, form_page=vault_page)
    assert empty.status_code == 422
    asked = ui.post(f"{vault_page}/requests", {"reason": "Gặp để làm rõ nội dung"},
                    form_page=vault_page)
    assert asked.status_code == 302
    request_id = session.query(RevealRequest).one().id
    queue = text(other_ui.get("/vault/requests"))
    assert case.reference in queue and "Gặp để làm rõ nội dung" in queue
    decided = other_ui.post(f"{vault_page}/requests/{request_id}/decision",
                            {"decision": "approve", "reason": "Cần thiết"}, form_page=vault_page)
    assert decided.status_code == 302
    assert "Xem danh tính (một lần)" in text(ui.get(vault_page))
    assert "Xem danh tính (một lần)" not in text(other_ui.get(vault_page))
    unconfirmed = ui.post(f"{vault_page}/requests/{request_id}/reveal", form_page=vault_page)
    assert unconfirmed.status_code == 302
    assert session.get(RevealRequest, request_id).status == "approved"
    shown = ui.post(f"{vault_page}/requests/{request_id}/reveal", {"keep_secret": "y"},
                    form_page=vault_page)
    assert shown.status_code == 200 and MARKER_NAME in text(shown)
    assert shown.headers["Cache-Control"] == "no-store"
    again = ui.post(f"{vault_page}/requests/{request_id}/reveal", {"keep_secret": "y"},
                    form_page=vault_page)
    assert again.status_code == 422 and MARKER_NAME not in text(again)
    timeline = text(ui.get(f"/cases/{case.id}"))
    assert "Đã xem danh tính người tố cáo" in timeline and MARKER_NAME not in timeline


def test_others_cannot_reach_the_vault(app, ui, w, session):
    case = with_denouncer(app, w)
    session.commit()
    ui.sign_in(w.outsider)
    assert ui.get(f"/cases/{case.id}/denouncer").status_code == 404
    ui.sign_in(w.viewer)
    assert MARKER_NAME not in text(ui.get(f"/cases/{case.id}/denouncer"))


def test_admins_designate_and_revoke_custodians(ui, w, session):
    ui.sign_in(w.admin)
    page = "/admin/custodians"
    assert "Chỉ định người giữ khóa" in text(ui.get(page))
    nobody = ui.post(page, {"user_id": w.outsider.id, "org_id": w.district.id}, form_page=page)
    assert nobody.status_code == 422 and "không có vai trò nào" in text(nobody)
    done = ui.post(page, {"user_id": w.chair.id, "org_id": w.district.id}, form_page=page)
    assert done.status_code == 302
    row = session.query(VaultCustodian).one()
    assert "Lê Văn Chủ" in text(ui.get(page))
    assert ui.post(f"{page}/{row.id}/revoke", form_page=page).status_code == 302
    session.refresh(row)
    assert row.revoked_at is not None and row.revoked_by_id == w.admin.id
    ui.sign_in(w.chair)
    assert ui.get(page).status_code == 403
