"""Refusals raised by the services (hgkiemtra/) are shown in the reader's language.

Each message is a ``workflows.text.Msg`` built with ``msg("…{name}…", name=value)``:
the English UI translates its template through the catalog and fills in the values
(names as they are, dates dd/mm/yyyy, nested messages translated too), while the
JSON API keeps returning the Vietnamese text.
"""

from __future__ import annotations

import html
import io
from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from hgkiemtra.cases.models import Case, Document
from hgkiemtra.followup.models import FollowUpAction
from tests import factories as f
from tests.integration.api.conftest import Api
from tests.integration.api.schema_check import check_response
from tests.integration.followup.conftest import add, concluded
from tests.integration.ui.conftest import Ui, text
from workflows.calendar import WorkingCalendar

CONFLICT_VI = ("Phạm Thị Ủy sinh hoạt tại Chi bộ Khu vực 1, thuộc tổ chức được kiểm tra "
               "(Chi bộ Khu vực 1): đảng viên của tổ chức được kiểm tra không được tham gia "
               "đoàn (xung đột lợi ích)")
CONFLICT_EN = ("Phạm Thị Ủy belongs to Chi bộ Khu vực 1, part of the organisation inspected "
               "(Chi bộ Khu vực 1): members of the organisation inspected may not sit on the "
               "team (conflict of interest)")


@pytest.fixture()
def api(client: FlaskClient, session: Any) -> Api:
    return Api(client, session)


def _english(ui: Ui) -> None:
    ui.post("/language", {"lang": "en", "next": "/"})


def _page(response: Any) -> str:
    return html.unescape(text(response))


def _conflicted(w: f.World, session: Any) -> None:
    """The committee member is also a Party member of the subject's own cell."""
    w.committee_member.member_id = f.member(w.cell, "Phạm Thị Ủy").id
    session.commit()


def test_a_team_conflict_on_the_new_case_form_is_in_english(ui: Ui, w: f.World, session: Any):
    _conflicted(w, session)
    ui.sign_in(w.inspector)
    _english(ui)
    query = {"kind": "inspection_violation", "org_id": w.district.id,
             "subject_type": "member", "subject_q": "ngoc"}
    response = ui.post("/cases/new", {
        **query, "subject_id": w.subject.id, "title": "Kiểm tra việc sử dụng đất công",
        "leader_id": w.inspector.id, "directing_id": w.committee_member.id,
    }, form_page="/cases/new?" + "&".join(f"{k}={v}" for k, v in query.items()))
    assert response.status_code == 422
    page = _page(response)
    assert CONFLICT_EN in page and "sinh hoạt tại" not in page
    assert session.query(Case).count() == 0


def test_the_api_keeps_the_vietnamese_text(api: Api, w: f.World, session: Any):
    case = f.case(w)
    _conflicted(w, session)
    w.chair.locale = "en"  # the account's UI language does not change the API
    session.commit()
    path = f"/cases/{case.id}/team"
    response = api.client.put("/api/v1" + path, headers=api.headers(w.chair), json={
        "team": [{"user_id": w.inspector.id, "role": "leader"},
                 {"user_id": w.committee_member.id, "role": "member"}]})
    check_response(api.openapi(), "put", path, response)
    assert response.status_code == 422
    assert response.json["message"] == CONFLICT_VI
    missing = api.get("/cases/999999", w.chair)
    assert missing.status_code == 404
    assert missing.json["message"] == "Không tìm thấy hồ sơ 999999"


def test_follow_up_refusals_are_in_english(ui: Ui, w: f.World, session: Any):
    case = concluded(w, follow_up=True)
    action = add(w, case, "recovery", amount_vnd=1_500_000)
    session.commit()
    ui.sign_in(w.inspector)
    _english(ui)
    late = ui.post(f"/cases/{case.id}/actions", {
        "add-version": case.version, "add-kind": "remedy", "add-description": "Khắc phục",
        "add-owner_user_id": w.inspector.id,
        "add-due_on": (date.today() - timedelta(days=3)).isoformat()},
        form_page=f"/cases/{case.id}")
    assert late.status_code == 422
    page = _page(late)
    assert "The due date may not be before today" in page
    assert "Hạn thực hiện không được" not in page
    too_much = ui.post(f"/cases/{case.id}/actions/{action.id}/done", {
        f"a{action.id}-done-version": case.version, f"a{action.id}-done-note": "Đã thu hồi",
        f"a{action.id}-done-recovered_vnd": "2.000.000"}, form_page=f"/cases/{case.id}")
    assert too_much.status_code == 422
    page = _page(too_much)
    assert "The amount recovered exceeds the amount to recover (1.500.000 ₫)" in page
    assert session.get(FollowUpAction, action.id).status == "open"


def test_a_document_upload_refusal_is_in_english(ui: Ui, w: f.World, make_case, session: Any):
    case = make_case()
    ui.sign_in(w.inspector)
    _english(ui)
    response = ui.post(f"/cases/{case.id}/documents",
                       {"doc_type": "decision", "file": (io.BytesIO(b"MZ\x90 not a pdf"), "a.pdf")},
                       form_page=f"/cases/{case.id}", content_type="multipart/form-data")
    assert response.status_code == 422
    page = _page(response)
    assert "The file's content is not a .pdf file as its name says: upload the right file" in page
    assert "Nội dung tệp" not in page
    assert session.query(Document).filter_by(case_id=case.id).count() == 0


def test_an_organisation_change_refusal_on_the_admin_page_is_in_english(ui: Ui, w: f.World,
                                                                         session: Any):
    ui.sign_in(w.admin)
    _english(ui)
    path = f"/admin/organisations/{w.cell.id}/dissolve"
    response = ui.post(path, {"on": "2999-01-01", "successor_id": 0, "confirm": "y"},
                       form_page=path)
    assert response.status_code == 422
    page = _page(response)
    assert ("The effective date 01/01/2999 is still ahead: record only changes already in "
            "effect (record it on that day or later)") in page
    assert "còn ở phía trước" not in page


def _a_plain_saturday() -> date:
    calendar, day = WorkingCalendar(), date.today() + timedelta(days=30)
    while calendar.why_not_working(day) != "thứ Bảy":
        day += timedelta(days=1)
    return day


def test_nested_messages_dates_and_flashes_are_in_english(ui: Ui, w: f.World, session: Any):
    saturday = _a_plain_saturday()
    ui.sign_in(w.admin)
    _english(ui)
    form = "/admin/calendar"
    response = ui.post(form, {"day": saturday.isoformat(), "kind": "off",
                              "reason": "Nghỉ bù"}, form_page=form)
    assert response.status_code == 422
    shown = saturday.strftime("%d/%m/%Y")
    assert f"{shown} already is a day off (Saturday)" in _page(response)
    # A refusal carried to the next page by a flash is translated before it is stored.
    gone = ui.post(f"/admin/calendar/{saturday.isoformat()}/remove", {}, form_page=form)
    assert gone.status_code == 302
    assert f"Nothing is declared for {shown}" in _page(ui.get(gone.headers["Location"]))
    locked = ui.post(f"/admin/users/{w.admin.id}/active", {"active": "0"},
                     form_page=f"/admin/users/{w.admin.id}")
    assert locked.status_code == 302
    assert "You cannot lock your own account" in _page(ui.get(locked.headers["Location"]))
