"""The case page: facts, progress, deadlines, timeline, and the next steps by role."""

from __future__ import annotations

import re

from tests import factories as f
from tests.integration.ui.conftest import text

CONCLUDE = ("conclude", {"outcome": "shortcomings", "conclusion": "Có khuyết điểm."}, "member")


def _event_links(page: str, case_id: int) -> set[str]:
    return set(re.findall(rf'href="/cases/{case_id}/events/([a-z_]+)"', page))


def test_the_page_shows_subject_team_progress_and_timeline(ui, w, make_case):
    case = f.advance(w, make_case(), f.FULL_PATH[:2])
    ui.sign_in(w.inspector)
    page = text(ui.get(f"/cases/{case.id}"))
    assert case.reference in page and case.title in page
    assert "Trần Thị Bích Ngọc" in page and "Phó Chủ tịch UBND phường" in page
    assert "Võ Minh Kiểm" in page and "Trưởng đoàn" in page
    assert 'class="progress__step progress__step--done"' in page
    assert 'aria-current="step"' in page
    assert "Đã triển khai quyết định" in page  # the current state's label
    assert "15-QĐ/UBKT" in page and "02/03/2026" in page  # facts, dates dd/mm/yyyy
    assert page.count('class="timeline__item"') == 3
    assert "Chuỗi nhật ký toàn vẹn" in page


def test_allowed_events_are_links_and_guarded_ones_show_why(ui, w, make_case):
    case = f.advance(w, make_case(), [*f.FULL_PATH, CONCLUDE])
    ui.sign_in(w.chair)
    page = text(ui.get(f"/cases/{case.id}"))
    assert _event_links(page, case.id) == {"start_follow_up"}
    assert re.search(r'<button type="button" class="button" disabled[^>]*>Chuyển xem xét kỷ luật',
                     page)
    assert "Chỉ áp dụng khi kết luận là: " in page and "[discipline_warranted]" in page


def test_an_inspector_sees_what_waits_for_the_committee(ui, w, make_case):
    case = f.advance(w, make_case(), f.FULL_PATH)
    ui.sign_in(w.inspector)
    page = text(ui.get(f"/cases/{case.id}"))
    assert _event_links(page, case.id) == set()
    assert "Do người có vai trò khác thực hiện" in page
    assert "Kết luận kiểm tra" in page and "Ủy viên UBKT" in page


def test_a_viewer_sees_no_action_and_cannot_post(ui, w, make_case, session):
    case = make_case()
    ui.sign_in(w.viewer)
    page = text(ui.get(f"/cases/{case.id}"))
    assert _event_links(page, case.id) == set()
    assert "disabled" not in page
    assert "Tải tài liệu lên" not in page
    assert ui.get(f"/cases/{case.id}/events/decide").status_code == 403
    response = ui.fire(case, "decide", {"f_decision_number": "1", "f_decision_date": "2026-03-02"})
    assert response.status_code == 403
    assert "Không có quyền" in text(response)
    session.refresh(case)
    assert case.state == "proposed"


def test_a_case_outside_the_scope_is_not_found(ui, w, make_case):
    case = make_case()
    ui.sign_in(w.outsider)
    for path in (f"/cases/{case.id}", f"/cases/{case.id}/events/decide",
                 f"/cases/{case.id}/documents/1", "/cases/2147483648", "/cases/999999"):
        response = ui.get(path)
        assert response.status_code == 404, path
        assert "Không tìm thấy" in text(response)
    response = ui.fire(case, "decide", {"f_decision_number": "1", "f_decision_date": "2026-03-02"})
    assert response.status_code == 404


def test_an_unknown_event_is_not_found(ui, w, make_case):
    case = make_case()
    ui.sign_in(w.chair)
    assert ui.get(f"/cases/{case.id}/events/explode").status_code == 404
