"""Guard reasons and validation messages from workflows/ are shown in the reader's language.

The English texts come from the catalog (hgkiemtra/translations/en), where every msg()
template of workflows/ has an entry (tests/unit/test_messages.py checks it).
"""

from __future__ import annotations

import html
from datetime import date

from flask import session as web_session

from hgkiemtra.web.i18n import fill, translate
from tests import factories as f
from tests.integration.ui.conftest import text
from workflows import discipline
from workflows.text import msg

CONCLUDE = ("conclude", {"outcome": "shortcomings", "conclusion": "Có khuyết điểm."}, "member")
REASON_EN = ("Applies only when the conclusion is: Violation warranting disciplinary review "
             "[discipline_warranted] (currently: Shortcomings; lessons to be drawn [shortcomings])")
REASON_VI = "Chỉ áp dụng khi kết luận là: "


def _in_english(ui, case) -> None:
    ui.post("/language", {"lang": "en", "next": f"/cases/{case.id}"})


def test_a_blocked_event_says_why_in_english(ui, w, make_case, session):
    case = f.advance(w, make_case(), [*f.FULL_PATH, CONCLUDE])
    session.commit()
    ui.sign_in(w.chair)
    assert REASON_VI in html.unescape(text(ui.get(f"/cases/{case.id}")))
    _in_english(ui, case)
    page = html.unescape(text(ui.get(f"/cases/{case.id}")))
    assert REASON_EN in page and REASON_VI not in page


def test_a_guard_failure_on_submit_is_a_form_error_in_english(ui, w, make_case, session):
    case = f.advance(w, make_case(), [*f.FULL_PATH, CONCLUDE])
    session.commit()
    ui.sign_in(w.chair)
    _in_english(ui, case)
    response = ui.fire(case, "start_discipline")
    assert response.status_code == 422
    page = html.unescape(text(response))
    assert "Could not be done:" in page and REASON_EN in page and REASON_VI not in page
    session.refresh(case)
    assert case.state == "concluded"


def test_parameters_are_translated_dates_lists_and_nested_messages(ui_app):
    lapse = msg("Quyết định còn hiệu lực đến {day} (domain.md §3.6)", day=date(2027, 3, 5))
    roles = msg("Cần vai trò: {roles}", roles=["Chủ nhiệm UBKT", "Ủy viên UBKT"])
    _, authority = discipline.can_decide("district", "committee", "member", "reprimand")
    with ui_app.test_request_context("/"):
        assert translate(lapse) == "Quyết định còn hiệu lực đến 05/03/2027 (domain.md §3.6)"
    with ui_app.test_request_context("/"):  # the locale is settled once per request
        web_session["lang"] = "en"
        assert translate(lapse) == (
            "The decision remains in effect until 05/03/2027 (domain.md §3.6)")
        assert translate(roles) == "Requires the role: Committee chair; Committee member"
        assert translate(authority).startswith(
            "Party committee (district level) has authority: provincial and district Party "
            "committees decide every form of discipline for Party members (")


def test_a_translation_that_does_not_fit_falls_back_to_vietnamese(ui_app):
    reason = msg("Thiếu {name}", name="Ngày quyết định")
    with ui_app.test_request_context("/"):
        assert fill("Missing {name}", reason) == "Missing Ngày quyết định"
        for broken in ("Missing {nam}", "Missing {0}", "Missing {name"):
            assert fill(broken, reason) == "Thiếu Ngày quyết định"
