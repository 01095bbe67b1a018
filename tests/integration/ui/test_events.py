"""Firing events through their forms: fields, confirmation, stale forms, guards."""

from __future__ import annotations

import re

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import CaseEvent
from tests import factories as f
from tests.integration.ui.conftest import text

DECIDE = {"f_decision_number": "15-QĐ/UBKT", "f_decision_date": "02/03/2026"}


def _events(session, case) -> list[str]:
    return [e.event for e in session.query(CaseEvent).filter_by(case_id=case.id)
            .order_by(CaseEvent.seq)]


def test_the_form_has_the_event_fields_the_version_and_a_confirmation(ui, w, make_case):
    case = make_case()
    ui.sign_in(w.chair)
    page = text(ui.get(f"/cases/{case.id}/events/decide"))
    assert 'name="f_decision_number"' in page and 'name="f_decision_date"' in page
    assert 'name="f_launch_by"' in page
    assert re.search(rf'name="version" type="hidden" value="{case.version}"', page)
    assert '<input id="confirm" name="confirm" required type="checkbox" value="y">' in page
    assert 'for="f_decision_number">Số quyết định kiểm tra</label>' in page
    assert "Đã có quyết định và kế hoạch kiểm tra" in page  # where the case goes


def test_firing_through_the_form_moves_the_case(ui, w, make_case, session):
    case = make_case()
    ui.sign_in(w.chair)
    response = ui.fire(case, "decide", {**DECIDE, "note": "Theo kế hoạch năm."})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.id}"
    session.refresh(case)
    assert case.state == "decided"
    assert case.data["decision_date"] == "2026-03-02"
    page = text(ui.get(f"/cases/{case.id}"))
    assert "Đã thực hiện: Ban hành quyết định và kế hoạch kiểm tra." in page
    assert "Theo kế hoạch năm." in page


def test_nothing_happens_without_confirmation_or_required_fields(ui, w, make_case, session):
    case = make_case()
    ui.sign_in(w.chair)
    unconfirmed = ui.fire(case, "decide", DECIDE, confirm=False)
    assert unconfirmed.status_code == 422
    assert "Hãy đánh dấu ô xác nhận" in text(unconfirmed)
    missing = ui.fire(case, "decide", {"f_decision_date": "2026-03-02"})
    assert missing.status_code == 422
    assert "Trường này là bắt buộc." in text(missing)
    bad_date = ui.fire(case, "decide", {**DECIDE, "f_decision_date": "31/02/2026"})
    assert bad_date.status_code == 422
    session.refresh(case)
    assert case.state == "proposed" and _events(session, case) == ["open"]


def test_a_reason_is_required_where_the_event_needs_one(ui, w, make_case, session):
    case = f.advance(w, make_case(), f.FULL_PATH)
    ui.sign_in(w.chair)
    response = ui.fire(case, "send_back", {"note": "  "})
    assert response.status_code == 422
    session.refresh(case)
    assert case.state == "committee_review"
    assert ui.fire(case, "send_back", {"note": "Cần xác minh thêm"}).status_code == 302


def test_a_stale_form_is_refused_with_a_clear_message(ui, w, make_case, session):
    case = make_case()
    ui.sign_in(w.chair)
    seen_version = case.version
    ui.get(f"/cases/{case.id}/events/decide")
    # Meanwhile another member decides the case.
    cases.fire_event(Actor.for_user(w.committee_member), case.id, "decide",
                     expected_version=seen_version,
                     data={"decision_number": "16-QĐ/UBKT", "decision_date": "2026-03-03"})
    session.commit()
    response = ui.fire(case, "decide", DECIDE, version=seen_version)
    assert response.status_code == 409
    page = text(response)
    assert "Hồ sơ vừa được người khác cập nhật — chưa có gì được lưu." in page
    assert "Đã có quyết định và kế hoạch kiểm tra" in page  # where it is now
    assert "Phạm Thị Ủy" in page  # who moved it
    assert "không còn thực hiện được" in page
    assert "15-QĐ/UBKT" in page  # what was typed is kept for copying
    session.refresh(case)
    assert case.data["decision_number"] == "16-QĐ/UBKT"
    assert _events(session, case) == ["open", "decide"]


def test_a_stale_form_still_possible_is_offered_again_for_confirmation(ui, w, make_case, session):
    case = make_case()
    ui.sign_in(w.chair)
    seen_version = case.version
    f.advance(w, case, f.FULL_PATH[:1])
    session.commit()
    response = ui.fire(case, "cancel", {"note": "Đối tượng đã chuyển công tác"},
                       version=seen_version)
    assert response.status_code == 409
    page = text(response)
    assert "Bước này vẫn thực hiện được" in page
    session.refresh(case)
    assert case.state == "decided"
    assert re.search(rf'name="version" type="hidden" value="{case.version}"', page)
    assert '<input id="confirm" name="confirm" required type="checkbox" value="y">' in page
    assert "Đối tượng đã chuyển công tác" in page
    assert ui.fire(case, "cancel", {"note": "Đối tượng đã chuyển công tác"}).status_code == 302
    session.refresh(case)
    assert case.state == "cancelled"


def test_a_guard_failure_is_shown_as_a_form_error_and_nothing_moves(ui, w, make_case, session):
    conclude = ("conclude", {"outcome": "shortcomings", "conclusion": "Khuyết điểm."}, "member")
    case = f.advance(w, make_case(), [*f.FULL_PATH, conclude])
    session.commit()
    ui.sign_in(w.chair)
    response = ui.fire(case, "start_discipline")
    assert response.status_code == 422
    page = text(response)
    assert 'class="alert alert--error"' in page and "Chưa thực hiện được:" in page
    assert "Chỉ áp dụng khi kết luận là: " in page and "[discipline_warranted]" in page
    session.refresh(case)
    assert case.state == "concluded"


def test_an_event_not_possible_from_here_sends_back_to_the_case(ui, w, make_case):
    case = make_case()
    ui.sign_in(w.chair)
    response = ui.get(f"/cases/{case.id}/events/conclude")
    assert response.status_code == 302
    assert "không thực hiện được" in text(ui.get(response.headers["Location"]))
