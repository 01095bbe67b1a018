"""Neither the accused nor anyone of the accused's organisation may handle a denunciation."""

from __future__ import annotations

import pytest

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases import team
from hgkiemtra.core.errors import ValidationFailed
from hgkiemtra.denunciations.service import assignment_conflicts
from tests import factories as f
from tests.integration.denunciations.conftest import denunciation


def test_the_accused_cannot_be_on_the_team(w):
    w.inspector.member_id = w.subject.id
    with pytest.raises(ValidationFailed, match="là người bị tố cáo") as refused:
        denunciation(w)
    assert refused.value.details["user_id"] == w.inspector.id


def test_a_member_of_the_accused_organisation_cannot_be_assigned(session, w):
    case = denunciation(w, team=[cases.TeamSeat(w.inspector.id, "leader")])
    colleague = f.member(w.cell, "Đồng nghiệp cùng chi bộ")
    w.committee_member.member_id = colleague.id
    assert "Chi bộ Khu vực 1" in assignment_conflicts(case, w.committee_member)
    with pytest.raises(ValidationFailed, match="tổ chức của người bị tố cáo"):
        team.change_team(Actor.for_user(w.chair), case.id,
                         [cases.TeamSeat(w.inspector.id, "leader"),
                          cases.TeamSeat(w.committee_member.id, "member")])
    elsewhere = f.member(w.other_district, "Người ở nơi khác")
    w.committee_member.member_id = elsewhere.id
    assert assignment_conflicts(case, w.committee_member) is None
    team.change_team(Actor.for_user(w.chair), case.id,
                     [cases.TeamSeat(w.inspector.id, "leader"),
                      cases.TeamSeat(w.committee_member.id, "member")])
    assert {s.user_id for s in case.team} == {w.inspector.id, w.committee_member.id}


def test_an_accused_organisation_excludes_its_whole_subtree(w):
    below = f.member(w.cell, "Đảng viên chi bộ trực thuộc")
    w.committee_member.member_id = below.id
    with pytest.raises(ValidationFailed, match="Đảng ủy Phường I"):
        denunciation(w, subject_type="organisation", subject_id=w.grassroots.id)
