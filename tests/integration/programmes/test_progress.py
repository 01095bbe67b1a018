"""Targets and programme progress, checked against data built here."""

from __future__ import annotations

from datetime import date

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.people.models import Member, Organisation
from hgkiemtra.programmes import opening, progress
from hgkiemtra.programmes import service as programmes
from tests import factories as f
from tests.integration.programmes.conftest import Plan, local

SUPERVISION_TO_CLOSED = [
    ("decide", {"decision_number": "07-QĐ/UBKT", "decision_date": "2026-03-02",
                "supervision_kind": "thematic"}, "chair"),
    ("request_report", {}, "inspector"),
    ("receive_report", {}, "inspector"),
    ("hold_meeting", {"meeting_on": "2026-03-10"}, "inspector"),
    ("draft_report", {}, "inspector"),
    ("submit_report", {}, "inspector"),
    ("conclude", {"outcome": "good", "conclusion": "Thực hiện tốt"}, "chair"),
    ("close_no_issue", {}, "chair"),
]


def _open(w: f.World, kind: str, subject: Member | Organisation, year: int = 2026) -> int:
    is_member = isinstance(subject, Member)
    case = cases.open_case(
        Actor.for_user(w.inspector), kind=kind, title="Hồ sơ thử", org_id=w.district.id,
        subject_type="member" if is_member else "organisation", subject_id=subject.id,
        now=local(year, 5, 4))
    return case.id


def test_target_progress_counts_distinct_members_and_organisations(w: f.World) -> None:
    extra = [f.member(w.cell, f"Đảng viên {n}") for n in range(8)]
    members = [w.subject, *extra, f.member(w.grassroots, "Lâm Văn Cơ sở")]  # 10 in the subtree
    outsider = f.member(w.other_district, "Người huyện khác")
    _open(w, "supervision", members[0])
    _open(w, "supervision", members[0])  # the same member twice counts once
    _open(w, "supervision", members[1])
    _open(w, "supervision", members[9])
    cancelled = _open(w, "supervision", members[2])
    chair = Actor.for_user(w.chair)
    c = cases.get_case(chair, cancelled)
    cases.fire_event(chair, c.id, "cancel", expected_version=c.version, note="Trùng kế hoạch")
    _open(w, "supervision", members[3], year=2025)  # another year
    _open(w, "inspection_violation", members[0])
    _open(w, "asset_declaration", members[4])
    _open(w, "inspection_lower_work", w.grassroots)
    _open(w, "supervision", w.cell)
    cases.open_case(Actor.for_user(w.outsider), kind="supervision", title="Ngoài",
                    org_id=w.other_district.id, subject_type="member", subject_id=outsider.id,
                    now=local(2026, 5, 4))
    target = programmes.set_target(chair, org_id=w.district.id, year=2026,
                                   supervised_share=30, inspected_share=25)

    got = progress.target_progress(w.district, 2026)
    assert (got.members, got.supervised_members, got.inspected_members) == (10, 3, 2)
    assert (got.organisations, got.supervised_orgs, got.inspected_orgs) == (2, 1, 1)
    assert (got.supervised_pct, got.inspected_pct) == (30.0, 20.0)
    assert (got.supervised_target, got.inspected_target) == (30, 25)
    assert (got.supervised_needed, got.inspected_needed) == (3, 3)  # 25% of 10 rounds up
    assert progress.targets_progress([target])[0] == got
    cell = progress.target_progress(w.cell, 2026)
    assert (cell.members, cell.supervised_members, cell.supervised_target) == (9, 2, None)
    assert progress.target_progress(w.district, 2025).supervised_members == 1


def test_programme_progress_per_quarter(plan: Plan) -> None:
    opening.open_due(local(2026, 7, 1))  # Q1, Q2, Q3 opened
    w = plan.w
    q1 = cases.get_case(plan.chair(), plan.items[1].case_id)
    f.advance(w, q1, SUPERVISION_TO_CLOSED)
    q3 = cases.get_case(plan.chair(), plan.items[3].case_id)
    cases.fire_event(plan.chair(), q3.id, "cancel", expected_version=q3.version, note="Hoãn")
    found = progress.programme_progress([plan.programme])[0]
    rows = [(q.quarter, q.planned, q.not_opened, q.open, q.done, q.cancelled)
            for q in found.quarters]
    assert rows == [(1, 1, 0, 0, 1, 0), (2, 1, 0, 1, 0, 0), (3, 1, 0, 0, 0, 1),
                    (4, 1, 1, 0, 0, 0)]
    assert (found.planned, found.opened, found.done) == (4, 3, 1)
    statuses = [progress.item_status(plan.items[q]) for q in range(1, 5)]
    assert statuses == ["done", "open", "cancelled", "not_opened"]
    assert [p.programme.id for p in progress.dashboard_programmes(plan.chair(), 2026)] == [
        plan.programme.id]
    assert progress.dashboard_programmes(Actor.for_user(w.outsider), 2026) == []
    assert date(2026, 7, 1) == opening.quarter_start(2026, 3)
