"""A re-check of implementation opens as its own supervision case, linked both ways."""

from __future__ import annotations

import pytest

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit, links
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import CaseEvent
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import PermissionDenied, ValidationFailed
from hgkiemtra.followup import recheck
from hgkiemtra.followup import service as followup
from tests import factories as f
from tests.integration.followup.conftest import add, concluded


def test_recheck_opens_a_linked_supervision(w: f.World) -> None:
    case = concluded(w, follow_up=True)
    action = add(w, case, "recovery", amount_vnd=1_500_000, owner_org_id=w.cell.id)
    version = case.version
    child = recheck.open_recheck(Actor.for_user(w.committee_member), case.id,
                                 note="Kiểm tra việc thu hồi tiền")
    assert (child.kind, child.state, child.subject_member_id) == (
        "supervision", "proposed", case.subject_member_id)
    assert child.org_id == case.org_id and case.reference in child.title
    assert f"#{action.id}" in child.summary and "1.500.000 ₫" in child.summary
    assert [(v.kind, v.direction, v.case.id) for v in links.links_of(case.id)] == [
        ("recheck_of", "outgoing", child.id)]
    assert [(v.kind, v.direction, v.case.id) for v in links.links_of(child.id)] == [
        ("recheck_of", "incoming", case.id)]
    last = db.session.query(CaseEvent).filter_by(case_id=case.id).order_by(
        CaseEvent.seq.desc()).first()
    assert (last.event, last.data["case_id"], case.version) == ("open_recheck", child.id,
                                                                version + 1)
    opened = db.session.query(CaseEvent).filter_by(case_id=child.id, seq=1).one()
    assert opened.data["origin"]["case_id"] == case.id
    assert audit.verify_case(case, db.session.query(CaseEvent).filter_by(
        case_id=case.id).order_by(CaseEvent.seq).all()) is None


def test_recheck_needs_actions_and_only_one_at_a_time(w: f.World) -> None:
    case = concluded(w)
    member = Actor.for_user(w.committee_member)
    with pytest.raises(ValidationFailed, match="chưa có việc"):
        recheck.open_recheck(member, case.id)
    add(w, case)
    first = recheck.open_recheck(member, case.id)
    with pytest.raises(ValidationFailed, match=first.reference):
        recheck.open_recheck(member, case.id)
    with pytest.raises(PermissionDenied):
        recheck.open_recheck(Actor.for_user(w.viewer), case.id)


def test_recheck_after_the_case_closed(w: f.World) -> None:
    case = concluded(w, follow_up=True)
    action = add(w, case)
    chair = Actor.for_user(w.chair)
    followup.complete_action(chair, case.id, action.id, note="Báo cáo đã khắc phục")
    cases.fire_event(chair, case.id, "close", expected_version=case.version)
    assert case.state == "closed"
    child = recheck.open_recheck(chair, case.id, note="Hậu kiểm sau 6 tháng")
    assert recheck.rechecks_of(case.id)[0].case.id == child.id
    assert case.state == "closed"
    with pytest.raises(ValidationFailed, match="đã kết thúc"):
        add(w, case)
