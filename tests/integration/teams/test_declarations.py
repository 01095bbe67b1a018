"""Conflict-of-interest declarations: each team member's own, audited, shown on the
team panel and in the API; a declared conflict is flagged for the chair."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hgkiemtra.cases import declarations
from hgkiemtra.cases.models import CaseEvent
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from tests import factories as f
from tests.integration.api.schema_check import check_response
from tests.integration.ui.conftest import text


def _put_team(api, case_id: int, user, body: dict):
    path = f"/cases/{case_id}/team"
    response = api.client.put("/api/v1" + path, json=body, headers=api.headers(user))
    check_response(api.openapi(), "put", path, response)
    return response


def test_a_team_member_declares_and_it_is_audited(w) -> None:
    case = f.case(w)
    state, count = case.state, case.event_count
    row = declarations.declare(w.actor(w.inspector), case.id, has_conflict=False, statement="")
    assert (row.has_conflict, row.statement) == (False, declarations.DEFAULT_STATEMENT)
    assert (case.state, case.event_count) == (state, count + 1)
    event = db.session.execute(sa.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.seq == case.event_count)).scalar_one()
    assert (event.event, event.actor_id, event.data) == (
        "declare_interest", w.inspector.id,
        {"user_id": w.inspector.id, "has_conflict": False, "team_role": "leader"})
    # Declaring again replaces the row; the trail keeps both.
    declarations.declare(w.actor(w.inspector), case.id, has_conflict=True,
                         statement="Em ruột là cấp phó của đối tượng")
    lines = {line.user_id: line for line in declarations.team_lines(case)}
    assert lines[w.inspector.id].needs_attention
    assert lines[w.committee_member.id].declaration is None
    assert case.event_count == count + 2


def test_only_team_members_declare_and_a_conflict_needs_its_content(w) -> None:
    case = f.case(w)
    with pytest.raises(PermissionDenied, match="Chỉ thành viên đoàn"):
        declarations.declare(w.actor(w.chair), case.id, has_conflict=False, statement="")
    with pytest.raises(NotFound):
        declarations.declare(w.actor(w.outsider), case.id, has_conflict=False, statement="")
    with pytest.raises(ValidationFailed, match="nêu rõ nội dung"):
        declarations.declare(w.actor(w.inspector), case.id, has_conflict=True, statement=" ")
    with pytest.raises(VersionConflict):
        declarations.declare(w.actor(w.inspector), case.id, has_conflict=False, statement="",
                             expected_version=case.version + 1)
    assert declarations.declarations_of(case.id) == {}


# --- API ----------------------------------------------------------------------------


def test_api_team_and_declarations(w, api, session) -> None:
    case = f.case(w)
    session.commit()
    r = api.get(f"/cases/{case.id}/team", w.chair)
    assert r.status_code == 200
    assert [(m["user_id"], m["role"], m["declaration"]) for m in r.json["members"]] == [
        (w.inspector.id, "leader", None), (w.committee_member.id, "directing", None)]
    r = api.post(f"/cases/{case.id}/team/declarations", w.committee_member,
                 {"has_conflict": True, "statement": "Vợ là kế toán của chi bộ"})
    assert r.status_code == 200, r.json
    assert r.json["declared_conflict"] == [w.committee_member.id]
    mine = next(m for m in r.json["members"] if m["user_id"] == w.committee_member.id)
    assert mine["declaration"]["statement"] == "Vợ là kế toán của chi bộ"
    assert api.post(f"/cases/{case.id}/team/declarations", w.chair,
                    {"has_conflict": False}).status_code == 403
    assert api.post(f"/cases/{case.id}/team/declarations", w.outsider,
                    {"has_conflict": False}).status_code == 404
    assert api.get(f"/cases/{case.id}/team", w.outsider).status_code == 404
    r = api.post(f"/cases/{case.id}/team/declarations", w.inspector, {"has_conflict": "no"})
    assert r.status_code == 422


def test_api_team_change_refuses_a_conflict_with_the_reason(w, api, session) -> None:
    case = f.case(w)
    relative = f.user([], name="Trần Văn Họ Hàng")
    relative.member_id = f.member(w.cell, "Trần Văn Họ Hàng").id
    session.commit()
    seats = [{"user_id": w.inspector.id, "role": "leader"},
             {"user_id": relative.id, "role": "member"}]
    r = _put_team(api, case.id, w.chair, {"team": seats})
    assert r.status_code == 422
    assert "Trần Văn Họ Hàng sinh hoạt tại Chi bộ Khu vực 1" in r.json["message"]
    assert r.json["details"]["rule"] == "conflict_of_interest"
    r = _put_team(api, case.id, w.inspector, {"team": seats[:1]})
    assert r.status_code == 403
    r = _put_team(api, case.id, w.chair, {"team": seats[:1], "version": case.version})
    assert r.status_code == 200 and [m["user_id"] for m in r.json["members"]] == [w.inspector.id]


# --- UI -----------------------------------------------------------------------------


def test_ui_team_panel_and_declaration_form(w, ui, session) -> None:
    case = f.case(w)
    session.commit()
    ui.sign_in(w.inspector)
    page = text(ui.get(f"/cases/{case.id}"))
    assert "Đoàn kiểm tra" in page and page.count("Chưa khai báo") == 2
    assert f'action="/cases/{case.id}/declaration"' in page
    r = ui.post(f"/cases/{case.id}/declaration", {"has_conflict": "yes", "statement": "",
                                                  "version": case.version},
                form_page=f"/cases/{case.id}")
    assert r.status_code == 422 and "nêu rõ nội dung" in text(r)
    r = ui.post(f"/cases/{case.id}/declaration",
                {"has_conflict": "yes", "statement": "Là con rể của đối tượng",
                 "version": case.version}, form_page=f"/cases/{case.id}")
    assert r.status_code == 302
    page = text(ui.get(f"/cases/{case.id}"))
    assert "Đã ghi nhận khai báo xung đột lợi ích" in page
    assert "Cần Chủ nhiệm UBKT xem xét" in page and "cần phân công trưởng đoàn khác" in page
    assert "Là con rể của đối tượng" in page and "Khai báo có xung đột lợi ích" in page
    ui.sign_in(w.chair)
    page = text(ui.get(f"/cases/{case.id}"))
    assert "Cần Chủ nhiệm UBKT xem xét" in page and "Khai báo xung đột lợi ích" in page


def test_ui_declaration_is_for_team_members_only(w, ui, session) -> None:
    case = f.case(w)
    session.commit()
    ui.sign_in(w.chair)
    page = text(ui.get(f"/cases/{case.id}"))
    assert f'action="/cases/{case.id}/declaration"' not in page
    assert ui.get(f"/cases/{case.id}/declaration").status_code == 403
    ui.sign_in(w.outsider)
    assert ui.get(f"/cases/{case.id}/declaration").status_code == 404
