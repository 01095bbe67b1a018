"""Conflict of interest: the subject and members of the inspected organisation are
refused a team seat, with the reason, when a case opens and when its team changes."""

from __future__ import annotations

import re

import pytest

from hgkiemtra.cases import declarations
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.team import change_team
from hgkiemtra.core.errors import ValidationFailed
from tests import factories as f
from tests.integration.ui.conftest import text

from .conftest import member_user

# (subject of the case, where the user is a Party member, refused?, words of the reason)
CONFLICTS = [
    ("member", "subject", True, "là đối tượng của hồ sơ"),
    ("member", "cell", True, "thuộc tổ chức được kiểm tra (Chi bộ Khu vực 1)"),
    ("member", "grassroots", False, None),  # above the subject's own cell
    ("member", "other_district", False, None),
    ("member", None, False, None),  # a user with no member record
    ("organisation", "grassroots", True, "thuộc tổ chức được kiểm tra (Đảng ủy Phường I)"),
    ("organisation", "cell", True, "thuộc tổ chức được kiểm tra (Đảng ủy Phường I)"),
    ("organisation", "district", False, None),  # the level above the inspected one
    ("organisation", "other_district", False, None),
]


def _user(w: f.World, where: str | None):
    if where is None:
        return f.user([], name="Không Hồ Sơ Đảng Viên")
    if where == "subject":
        return member_user(w.cell, "Trần Thị Bích Ngọc", member=w.subject)
    return member_user(getattr(w, where), "Nguyễn Văn Xét")


def _open(w: f.World, subject_type: str, team: list[cases.TeamSeat]):
    return cases.open_case(
        w.actor(w.inspector), kind="inspection_violation", title="Kiểm tra", org_id=w.district.id,
        subject_type=subject_type,
        subject_id=w.subject.id if subject_type == "member" else w.grassroots.id, team=team)


@pytest.mark.parametrize(("subject_type", "where", "refused", "words"), CONFLICTS)
def test_opening_a_case_refuses_a_conflicted_team_member(w, subject_type, where, refused,
                                                          words) -> None:
    user = _user(w, where)
    seats = [cases.TeamSeat(w.inspector.id, "leader"), cases.TeamSeat(user.id, "member")]
    if not refused:
        case = _open(w, subject_type, seats)
        assert {s.user_id for s in case.team} == {w.inspector.id, user.id}
        return
    with pytest.raises(ValidationFailed) as caught:
        _open(w, subject_type, seats)
    assert user.full_name in caught.value.message and words in caught.value.message
    assert "xung đột lợi ích" in caught.value.message
    assert caught.value.details["user_id"] == user.id
    assert caught.value.details["rule"] == "conflict_of_interest"


@pytest.mark.parametrize(("subject_type", "where", "refused", "words"), CONFLICTS)
def test_changing_the_team_refuses_a_conflicted_member(w, subject_type, where, refused,
                                                       words) -> None:
    case = _open(w, subject_type, [cases.TeamSeat(w.inspector.id, "leader")])
    user = _user(w, where)
    seats = [cases.TeamSeat(w.inspector.id, "leader"), cases.TeamSeat(user.id, "directing")]
    if not refused:
        change_team(w.actor(w.chair), case.id, seats)
        assert {s.user_id: s.team_role for s in case.team}[user.id] == "directing"
        return
    version = case.version
    with pytest.raises(ValidationFailed, match=re.escape(words)):
        change_team(w.actor(w.chair), case.id, seats)
    assert case.version == version and [s.user_id for s in case.team] == [w.inspector.id]


def test_the_team_has_a_leader_members_and_the_directing_committee_member(w) -> None:
    case = f.case(w)
    change_team(w.actor(w.chair), case.id, [
        cases.TeamSeat(w.inspector.id, "leader"), cases.TeamSeat(w.chair.id, "member"),
        cases.TeamSeat(w.committee_member.id, "directing")])
    lines = declarations.team_lines(case)
    assert [(line.name, line.team_role) for line in lines] == [
        ("Võ Minh Kiểm", "leader"), ("Phạm Thị Ủy", "directing"), ("Lê Văn Chủ", "member")]
    with pytest.raises(ValidationFailed, match="Vai trò trong đoàn không hợp lệ"):
        change_team(w.actor(w.chair), case.id, [cases.TeamSeat(w.inspector.id, "boss")])


def test_a_member_who_declared_a_conflict_cannot_be_made_leader(w) -> None:
    case = f.case(w)  # inspector leads, the committee member directs
    declarations.declare(w.actor(w.committee_member), case.id, has_conflict=True,
                         statement="Anh rể của đối tượng")
    with pytest.raises(ValidationFailed, match="Phạm Thị Ủy đã khai báo có xung đột lợi ích"):
        change_team(w.actor(w.chair), case.id, [
            cases.TeamSeat(w.committee_member.id, "leader"), cases.TeamSeat(w.inspector.id)])
    # Kept as an ordinary member it is the chair's call; the panel flags it.
    change_team(w.actor(w.chair), case.id, [
        cases.TeamSeat(w.inspector.id, "leader"), cases.TeamSeat(w.committee_member.id)])
    assert [line.user_id for line in declarations.team_lines(case) if line.needs_attention] == [
        w.committee_member.id]


def test_the_new_case_form_shows_the_conflict_reason(ui, w, session) -> None:
    w.committee_member.member_id = f.member(w.cell, "Phạm Thị Ủy").id
    session.commit()
    ui.sign_in(w.inspector)
    query = {"kind": "inspection_violation", "org_id": w.district.id,
             "subject_type": "member", "subject_q": "ngoc"}
    response = ui.post("/cases/new", {
        **query, "subject_id": w.subject.id, "title": "Kiểm tra việc sử dụng đất công",
        "leader_id": w.inspector.id, "directing_id": w.committee_member.id,
    }, form_page="/cases/new?" + "&".join(f"{k}={v}" for k, v in query.items()))
    assert response.status_code == 422
    assert ("Phạm Thị Ủy sinh hoạt tại Chi bộ Khu vực 1, thuộc tổ chức được kiểm tra"
            in text(response))
    assert session.query(Case).count() == 0
