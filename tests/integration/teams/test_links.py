"""Linked cases opened by hand (links.open_linked): each kind, both ends, the audit
event on the parent and the origin on the child, and the refusals."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hgkiemtra.cases import links
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from tests import factories as f

from .conftest import walked

GROUNDS = "Kết luận xác định có vi phạm"
ORG_CONCLUDED = ("inspection_violation-v2-org-discipline", 7)


def _events(case: Case) -> list[CaseEvent]:
    return list(db.session.execute(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
                                   .order_by(CaseEvent.seq)).scalars())


def _both_ends(parent: Case, child: Case, kind: str) -> None:
    assert (kind, "outgoing", child.id) in {(v.kind, v.direction, v.case.id)
                                            for v in links.links_of(parent.id)}
    assert [(v.kind, v.direction, v.case.id) for v in links.links_of(child.id)] == [
        (kind, "incoming", parent.id)]


def test_a_denunciation_found_correct_opens_an_inspection(w) -> None:
    parent = walked(w, "denunciation-v2-correct", 3)
    state, count = parent.state, parent.event_count
    (child,) = links.open_linked(w.actor(w.chair), parent.id, "inspection", note=GROUNDS)
    assert (child.kind, child.subject_member_id, child.org_id) == (
        "inspection_violation", w.subject.id, w.district.id)
    _both_ends(parent, child, "spawned_inspection")
    assert (parent.state, parent.event_count) == (state, count + 1)
    last = _events(parent)[-1]
    assert (last.event, last.note, last.from_state, last.to_state) == (
        "open_linked", GROUNDS, state, state)
    assert last.data == {"link": "spawned_inspection", "opened": [
        {"case_id": child.id, "reference": child.reference, "kind": "inspection_violation"}]}
    assert _events(child)[0].data["origin"] == {
        "case_id": parent.id, "reference": parent.reference, "event": "open_linked",
        "link": "spawned_inspection"}
    with pytest.raises(ValidationFailed, match="Đã có hồ sơ kiểm tra liên kết"):
        links.open_linked(w.actor(w.chair), parent.id, "inspection", note=GROUNDS)


@pytest.mark.parametrize(("walk", "upto", "words"), [
    ("denunciation-v2-false-accusation", 3, "tố cáo đúng hoặc đúng một phần"),
    ("denunciation-v2-correct", 2, "tố cáo đúng hoặc đúng một phần"),
    ("denunciation-v2-information-inspection", 2, "Đề nghị kiểm tra khi có dấu hiệu vi phạm"),
    ("complaint-escalated", None, "Chỉ mở hồ sơ kiểm tra liên kết từ hồ sơ giải quyết tố cáo"),
])
def test_an_inspection_needs_a_denunciation_found_correct(w, walk, upto, words) -> None:
    parent = walked(w, walk, upto)
    with pytest.raises(ValidationFailed, match=words):
        links.open_linked(w.actor(w.chair), parent.id, "inspection", note=GROUNDS)


@pytest.mark.parametrize(("walk", "upto"), [
    ("inspection_violation-v2-mem-violation_no_discipline", 7),  # concluded
    ("inspection_violation-v2-mem-violation_no_discipline", None),  # closed after findings
    ("denunciation-v1-correct", 3),
    ORG_CONCLUDED,  # about an organisation
])
def test_any_case_whose_findings_warrant_it_opens_a_discipline_case(w, walk, upto) -> None:
    parent = walked(w, walk, upto)
    (child,) = links.open_linked(w.actor(w.committee_member), parent.id, "discipline",
                                 note=GROUNDS)
    assert (child.kind, child.subject_type, child.subject_member_id, child.subject_org_id) == (
        "discipline", parent.subject_type, parent.subject_member_id, parent.subject_org_id)
    _both_ends(parent, child, "discipline_of")
    with pytest.raises(ValidationFailed, match="Đã có hồ sơ kỷ luật liên kết"):
        links.open_linked(w.actor(w.chair), parent.id, "discipline", note=GROUNDS)


@pytest.mark.parametrize(("walk", "upto", "words"), [
    ("inspection_violation-v2-mem-violation_no_discipline", 2, "chưa có kết quả"),
    ("inspection_violation-v2-mem-no_violation", None, "không có vi phạm"),
    ("denunciation-v2-false-accusation", None, "không có vi phạm"),
    ("discipline-organisation", 2, "không mở thêm hồ sơ kỷ luật"),
])
def test_discipline_is_refused_without_findings_of_violation(w, walk, upto, words) -> None:
    parent = walked(w, walk, upto)
    with pytest.raises(ValidationFailed, match=words):
        links.open_linked(w.actor(w.chair), parent.id, "discipline", note=GROUNDS)


def test_an_escalated_complaint_opens_the_complaint_at_the_next_level(w) -> None:
    parent = walked(w, "complaint-escalated")
    with pytest.raises(PermissionDenied, match="Tỉnh ủy Hậu Giang nằm ngoài phạm vi"):
        links.open_linked(w.actor(w.chair), parent.id, "escalation", note="Vượt thẩm quyền")
    (child,) = links.open_linked(w.actor(w.admin), parent.id, "escalation",
                                 note="Vượt thẩm quyền")
    assert (child.kind, child.org_id, child.subject_member_id) == (
        "discipline_complaint", w.province.id, w.subject.id)
    _both_ends(parent, child, "escalated_to")
    with pytest.raises(ValidationFailed, match="Đã có hồ sơ khiếu nại ở cấp trên"):
        links.open_linked(w.actor(w.admin), parent.id, "escalation", note="Lần nữa")


def test_a_complaint_not_escalated_cannot_go_up(w) -> None:
    parent = walked(w, "complaint-escalated", 1)
    with pytest.raises(ValidationFailed, match="chưa được chuyển cấp trên"):
        links.open_linked(w.actor(w.admin), parent.id, "escalation", note="Sớm")


def test_an_organisation_case_opens_cases_for_the_members_responsible(w) -> None:
    parent = walked(w, *ORG_CONCLUDED)
    secretary = f.member(w.grassroots, "Lê Văn Bí Thư")
    opened = links.open_linked(
        w.actor(w.chair), parent.id, "member_case", note="Trách nhiệm người đứng đầu",
        target_kind="discipline", subject_member_ids=[w.subject.id, secretary.id])
    assert [(c.kind, c.subject_member_id, c.org_id) for c in opened] == [
        ("discipline", w.subject.id, w.district.id), ("discipline", secretary.id, w.district.id)]
    assert "Lê Văn Bí Thư" in opened[1].title
    for child in opened:
        _both_ends(parent, child, "member_case")
    assert _events(parent)[-1].data["link"] == "member_case"
    with pytest.raises(ValidationFailed, match="Đã có hồ sơ liên kết loại này đối với Lê Văn"):
        links.open_linked(w.actor(w.chair), parent.id, "member_case", note="Lần nữa",
                          target_kind="discipline", subject_member_ids=[secretary.id])
    (inspection,) = links.open_linked(w.actor(w.chair), parent.id, "member_case", note="Kiểm tra",
                                      target_kind="inspection_violation",
                                      subject_member_ids=[secretary.id])
    assert inspection.kind == "inspection_violation"


@pytest.mark.parametrize(("target_kind", "members", "words"), [
    ("discipline", "outsider", "không thuộc Đảng ủy Phường I"),
    ("discipline", "none", "ít nhất một đảng viên"),
    ("discipline", "unknown", "Không có đảng viên mã số"),
    ("supervision", "subject", "phải là kiểm tra khi có dấu hiệu vi phạm hoặc xem xét kỷ luật"),
])
def test_member_cases_refuse_bad_choices(w, target_kind, members, words) -> None:
    parent = walked(w, *ORG_CONCLUDED)
    ids = {"outsider": [f.member(w.other_district, "Ngoài Tổ Chức").id], "none": [],
           "unknown": [2_000_000], "subject": [w.subject.id]}[members]
    with pytest.raises(ValidationFailed, match=words):
        links.open_linked(w.actor(w.chair), parent.id, "member_case", note=GROUNDS,
                          target_kind=target_kind, subject_member_ids=ids)
    assert links.links_of(parent.id) == []


def test_member_cases_need_an_organisation_subject(w) -> None:
    parent = walked(w, "inspection_violation-v2-mem-violation_no_discipline", 7)
    with pytest.raises(ValidationFailed, match="đối tượng là tổ chức đảng"):
        links.open_linked(w.actor(w.chair), parent.id, "member_case", note=GROUNDS,
                          target_kind="discipline", subject_member_ids=[w.subject.id])


def test_scope_role_note_and_version_are_checked_first(w) -> None:
    parent = walked(w, "denunciation-v2-correct", 3)
    with pytest.raises(NotFound):
        links.open_linked(w.actor(w.outsider), parent.id, "inspection", note=GROUNDS)
    with pytest.raises(PermissionDenied, match="Vai trò của bạn không được lập hồ sơ"):
        links.open_linked(w.actor(w.viewer), parent.id, "inspection", note=GROUNDS)
    with pytest.raises(ValidationFailed, match="căn cứ"):
        links.open_linked(w.actor(w.chair), parent.id, "inspection", note="  ")
    with pytest.raises(ValidationFailed, match="Loại liên kết không hợp lệ"):
        links.open_linked(w.actor(w.chair), parent.id, "supervision", note=GROUNDS)
    with pytest.raises(VersionConflict):
        links.open_linked(w.actor(w.chair), parent.id, "inspection", note=GROUNDS,
                          expected_version=parent.version - 1)
    assert links.links_of(parent.id) == []


def test_the_options_say_what_may_be_opened_and_why_not(w) -> None:
    parent = walked(w, "denunciation-v2-correct", 3)
    options = dict(links.open_options(w.actor(w.chair), parent, f.TODAY))
    assert options["inspection"] is None and options["discipline"] is None
    assert "khiếu nại kỷ luật" in (options["escalation"] or "")
    assert "tổ chức đảng" in (options["member_case"] or "")
    viewer = dict(links.open_options(w.actor(w.viewer), parent, f.TODAY))
    assert all(reason for reason in viewer.values())
