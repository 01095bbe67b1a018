"""The follow-up panel on the case page: list, add, done, waive, overdue, re-check."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hgkiemtra.core.db import db
from hgkiemtra.followup.models import FollowUpAction
from tests import factories as f
from tests.integration.followup.conftest import DUE, add, concluded
from tests.integration.ui.conftest import Ui, text


@pytest.fixture()
def case(w: f.World, session: Any) -> Any:
    found = concluded(w, follow_up=True)
    session.commit()
    return found


def _page(ui: Ui, case: Any) -> str:
    return text(ui.get(f"/cases/{case.id}"))


def test_panel_adds_an_action_with_an_amount_in_dong(ui: Ui, w: f.World, case: Any) -> None:
    ui.sign_in(w.inspector)
    page = _page(ui, case)
    assert "Theo dõi thực hiện kết luận" in page and 'name="add-kind"' in page
    r = ui.post(f"/cases/{case.id}/actions", {
        "add-version": case.version, "add-kind": "recovery", "add-description": "Thu hồi tiền",
        "add-owner_org_id": w.cell.id, "add-due_on": DUE.strftime("%d/%m/%Y"),
        "add-amount_vnd": "1.500.000"}, form_page=f"/cases/{case.id}")
    assert r.status_code == 302 and r.headers["Location"].endswith("#followup")
    action = db.session.query(FollowUpAction).filter_by(case_id=case.id).one()
    assert (action.amount_vnd, action.owner_org_id) == (1_500_000, w.cell.id)
    page = _page(ui, case)
    assert "1.500.000 ₫" in page and w.cell.name in page
    assert f'name="a{action.id}-done-recovered_vnd"' in page
    assert f'name="a{action.id}-waive-reason"' not in page  # the chair's form only


@pytest.mark.parametrize(("amount", "message"), [
    ("-5", "số nguyên đồng"),
    ("1,5", "số nguyên đồng"),
    ("10.000.000.000.000.000", "Số tiền phải từ 1 đồng"),
    ("", "cần ghi số tiền"),
])
def test_bad_amounts_show_the_form_again(ui: Ui, w: f.World, case: Any, amount: str,
                                         message: str) -> None:
    ui.sign_in(w.inspector)
    r = ui.post(f"/cases/{case.id}/actions", {
        "add-version": case.version, "add-kind": "recovery", "add-description": "Thu hồi",
        "add-owner_user_id": w.inspector.id, "add-due_on": DUE.isoformat(),
        "add-amount_vnd": amount}, form_page=f"/cases/{case.id}")
    assert r.status_code == 422
    assert message.lower() in text(r).lower() and 'aria-invalid="true"' in text(r)
    assert db.session.query(FollowUpAction).filter_by(case_id=case.id).count() == 0


def test_close_button_is_disabled_with_the_open_action(ui: Ui, w: f.World, case: Any,
                                                       session: Any) -> None:
    action = add(w, case, description="Kiểm điểm trước chi bộ", kind="self_criticism")
    session.commit()
    ui.sign_in(w.chair)
    page = _page(ui, case)
    blocked = re.search(r'<button type="button" class="button" disabled '
                        r'aria-describedby="why-close">.*?</ul>', page, re.S)
    assert blocked and f"Việc #{action.id}" in blocked.group(0)
    assert f'name="a{action.id}-waive-reason"' in page
    r = ui.post(f"/cases/{case.id}/actions/{action.id}/waive",
                {f"a{action.id}-waive-version": case.version,
                 f"a{action.id}-waive-reason": "Đối tượng đã chuyển công tác"},
                form_page=f"/cases/{case.id}")
    assert r.status_code == 302
    page = _page(ui, case)
    assert "Được miễn" in page and 'aria-describedby="why-close"' not in page


def test_waive_without_reason_and_by_non_chair(ui: Ui, w: f.World, case: Any,
                                               session: Any) -> None:
    action = add(w, case)
    session.commit()
    path = f"/cases/{case.id}/actions/{action.id}/waive"
    data = {f"a{action.id}-waive-version": case.version, f"a{action.id}-waive-reason": ""}
    ui.sign_in(w.chair)
    assert ui.post(path, data, form_page=f"/cases/{case.id}").status_code == 422
    ui.sign_in(w.inspector)
    data[f"a{action.id}-waive-reason"] = "Lý do"
    assert ui.post(path, data, form_page=f"/cases/{case.id}").status_code == 403


def test_overdue_action_is_highlighted_and_done(ui: Ui, w: f.World, case: Any,
                                                session: Any) -> None:
    past = datetime.now(UTC) - timedelta(days=30)
    action = add(w, case, due_on=(past + timedelta(days=3)).date(), now=past)
    session.commit()
    ui.sign_in(w.inspector)
    page = _page(ui, case)
    assert f'<tr id="action-{action.id}" class="row--overdue">' in page and "quá hạn" in page
    r = ui.post(f"/cases/{case.id}/actions/{action.id}/done",
                {f"a{action.id}-done-version": case.version,
                 f"a{action.id}-done-note": "Đã khắc phục xong"}, form_page=f"/cases/{case.id}")
    assert r.status_code == 302
    page = _page(ui, case)
    assert "row--overdue" not in page and "Đã khắc phục xong" in page


def test_edit_page_and_stale_version(ui: Ui, w: f.World, case: Any, session: Any) -> None:
    action = add(w, case)
    session.commit()
    ui.sign_in(w.committee_member)
    path = f"/cases/{case.id}/actions/{action.id}/edit"
    form = text(ui.get(path))
    assert "Khắc phục hạn chế" in form
    data = {"edit-version": case.version - 1, "edit-kind": "remedy",
            "edit-description": "Khắc phục, báo cáo UBKT", "edit-owner_user_id": w.inspector.id,
            "edit-due_on": DUE.isoformat(), "edit-amount_vnd": ""}
    assert ui.post(path, data, form_page=path).status_code == 409
    data["edit-version"] = case.version
    assert ui.post(path, data, form_page=path).status_code == 302
    assert db.session.get(FollowUpAction, action.id, populate_existing=True).description == (
        "Khắc phục, báo cáo UBKT")


def test_recheck_opens_and_shows_on_both_cases(ui: Ui, w: f.World, case: Any,
                                               session: Any) -> None:
    add(w, case)
    session.commit()
    ui.sign_in(w.chair)
    r = ui.post(f"/cases/{case.id}/recheck", {"recheck-version": case.version,
                                              "recheck-note": "Kiểm tra lại sau 3 tháng"},
                form_page=f"/cases/{case.id}")
    assert r.status_code == 302
    child_page = text(ui.get(r.headers["Location"]))
    assert "Kiểm tra việc thực hiện kết luận của hồ sơ:" in child_page
    assert case.reference in child_page
    assert "Hồ sơ kiểm tra việc thực hiện kết luận:" in _page(ui, case)


def test_viewer_sees_the_list_without_forms(ui: Ui, w: f.World, case: Any,
                                            session: Any) -> None:
    add(w, case)
    session.commit()
    ui.sign_in(w.viewer)
    page = _page(ui, case)
    assert "Khắc phục hạn chế" in page and 'name="add-kind"' not in page
    assert "/done" not in page and "/recheck" not in page
