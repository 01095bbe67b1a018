"""The journeys that matter, in a real browser: an inspector moves a case to its
findings, a committee votes, an outsider sees nothing, and the language switch."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.e2e.pages import CalendarPage, CaseList, CasePage, LoginPage, NewCasePage, VotePage

pytestmark = pytest.mark.slow

INSPECTOR = "can.bo@hgkiemtra.vn"
CHAIR = "chu.nhiem@hgkiemtra.vn"
MEMBER = "uy.vien@hgkiemtra.vn"
OUTSIDER = "can.bo.ngabay@hgkiemtra.vn"  # an inspector of Ngã Bảy only
ADMIN = "admin@hgkiemtra.vn"


def test_an_inspector_advances_a_case_to_findings(page, demo_cases, screenshots):
    case_id = demo_cases["reporting"]
    LoginPage(page).open().sign_in(INSPECTOR)
    case = CasePage(page).open(case_id)
    assert case.status == 200
    assert case.state_label == "Đối tượng chuẩn bị báo cáo giải trình"
    case.shoot(screenshots, "case-page")
    form = case.start("Nhận báo cáo giải trình")
    form.shoot(screenshots, "event-form")
    # Without the confirmation box ticked nothing happens.
    form.submit_without_confirming()
    assert page.locator(".field--invalid #confirm").count() == 1
    case = form.confirm(note="Đối tượng nộp báo cáo giải trình đúng hạn.")
    assert "Đã thực hiện: Nhận báo cáo giải trình" in case.flash()
    assert case.state_label == "Thẩm tra, xác minh"
    case = case.start("Dự thảo báo cáo kết quả kiểm tra").confirm()
    assert case.state_label == "Dự thảo báo cáo kết quả kiểm tra"
    assert "Kết quả, kết luận" in page.locator(".case-head__state").inner_text()
    case.show_diagram()
    assert case.current_step_in_diagram == "draft_report"
    page.locator("#diagram").screenshot(path=str(screenshots / "case-diagram.png"))
    assert "Đối tượng nộp báo cáo giải trình đúng hạn." in page.locator("#timeline").inner_text()


def test_a_committee_member_records_a_vote_and_sees_the_outcome(page, phone, screenshots):
    LoginPage(page).open().sign_in(MEMBER)
    case = NewCasePage(page).open("discipline").open_case("Xem xét kỷ luật (thử nghiệm e2e)")
    case = case.start("Yêu cầu đối tượng làm bản tự kiểm điểm").confirm()
    form = case.start("Đại diện cấp có thẩm quyền gặp, nghe đối tượng trình bày")
    page.fill("#f_heard_on", date.today().isoformat())
    case = form.confirm()
    form = case.start("Kết luận vi phạm")
    page.fill("#f_conclusion", "Vi phạm quy định về quản lý, sử dụng tài sản công.")
    page.fill("#f_violation_ended_on", (date.today() - timedelta(days=200)).isoformat())
    case = form.confirm()
    case_url = page.url
    votes = VotePage.from_case(case, "Biểu quyết bằng phiếu kín")
    assert page.url == f"{case_url}/vote"
    assert votes.ballot_forms()[-2:] == ["Cảnh cáo", "Khiển trách"]  # heaviest first
    votes.fill(body_kind="committee", members=9,
               votes={"warning": 2, "reprimand": 3, "none": 4}).preview()
    assert votes.verdict == "Thông qua hình thức “Khiển trách”"
    assert "đến “Khiển trách” được 5/9 phiếu (cần 5)" in votes.explanation
    assert "ít nhất 5/9 phiếu" in votes.explanation
    votes.shoot(screenshots, "vote-preview")
    LoginPage(phone).open().sign_in(MEMBER)
    phone.goto(f"{case_url}/vote")
    phone.screenshot(path=str(screenshots / "phone-vote.png"), full_page=True)
    # The preview changed nothing: the case is still at the conclusion.
    assert CasePage(phone).open(int(case_url.rsplit("/", 1)[1])).state_label.startswith(
        "Hội nghị kết luận")
    case = votes.record()
    assert "Đã ghi nhận kết quả biểu quyết: thông qua hình thức “Khiển trách”." in case.flash()
    assert case.state_label == "Đã biểu quyết bằng phiếu kín"
    assert "Ban hành quyết định kỷ luật" in case.next_steps()
    timeline = page.locator("#timeline .timeline__vote").first
    assert "Thông qua hình thức “Khiển trách”" in timeline.inner_text()
    assert "Chuỗi nhật ký toàn vẹn" in page.locator("#timeline").inner_text()


def test_an_out_of_scope_user_cannot_see_the_case(page, demo_cases, screenshots):
    case_id = demo_cases["any"]
    LoginPage(page).open().sign_in(OUTSIDER)
    case = CasePage(page).open(case_id)
    assert case.status == 404
    assert "Không tìm thấy" in case.heading
    listing = CaseList(page).open()
    assert listing.references()  # the outsider does see cases: their own district's
    assert demo_cases["any_reference"] not in listing.references()
    assert listing.search(demo_cases["any_reference"]).references() == []
    # The chair of the province sees it, found the same way.
    LoginPage(page).open().sign_in(CHAIR)
    found = CaseList(page).open().search(demo_cases["any_reference"]).references()
    assert demo_cases["any_reference"] in found


def test_the_language_switch(page, demo_cases):
    LoginPage(page).open().sign_in(CHAIR)
    case = CasePage(page).open(demo_cases["reporting"])
    assert case.language == "vi" and "Bước tiếp theo" in page.content()
    case.switch_language()
    assert case.language == "en"
    assert page.url.endswith(f"/cases/{demo_cases['reporting']}")  # stays on the page
    assert "Next steps" in page.content()
    CalendarPage(page).open()
    assert "Deadline calendar" in page.locator("main h1").inner_text()
    case.switch_language()
    assert case.language == "vi" and "Lịch thời hạn" in page.locator("main h1").inner_text()


def test_screenshots_of_the_main_pages(page, phone, demo_cases, screenshots):
    LoginPage(page).open().shoot(screenshots, "login")
    dashboard = LoginPage(page).sign_in(ADMIN)
    dashboard.shoot(screenshots, "dashboard")
    for name, path in (("case-list", "/cases"), ("calendar", "/calendar"),
                       ("workflows", "/workflows"),
                       ("workflow-diagram", "/workflows/inspection_violation/2"),
                       ("profile", "/profile"), ("admin", "/admin/"),
                       ("admin-organisations", "/admin/organisations"),
                       ("admin-users", "/admin/users"), ("admin-calendar", "/admin/calendar"),
                       ("admin-reminders", "/admin/reminders"), ("admin-outbox", "/admin/outbox"),
                       ("admin-mail", "/admin/mail")):
        response = page.goto(path)
        assert response.status == 200, path
        page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
    LoginPage(phone).open().sign_in(INSPECTOR)
    for name, path in (("phone-case", f"/cases/{demo_cases['any']}"),
                       ("phone-calendar", "/calendar"), ("phone-dashboard", "/")):
        phone.goto(path)
        phone.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
