"""The committee's votes page: outcomes by the §3.3 rules, preview changes nothing,
recording goes through the service into the audit trail, access and stale forms."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import audit
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.errors import ValidationFailed
from tests import factories as f
from tests.integration.ui.conftest import text

TODAY = cases.local_today()
BEFORE_VOTE = [
    ("request_self_criticism", {}, "inspector"),
    ("hear_subject", {"heard_on": TODAY.isoformat()}, "member"),
    ("conclude", {"conclusion": "Vi phạm quy định về đất đai",
                  "violation_ended_on": (TODAY - timedelta(days=400)).isoformat()}, "member"),
]
DISTRICT = {"f_body_level": "district", "f_body_kind": "committee"}
CELL = {"f_body_level": "cell", "f_body_kind": "cell"}


@pytest.fixture()
def concluded(session, w):
    """A discipline case of the given subject, concluded and waiting for the vote."""

    def make(subject: str = "member") -> Case:
        if subject == "organisation":
            subject_type, subject_id = "organisation", w.grassroots.id
        else:
            subject_type, subject_id = "member", w.subject.id
            if subject == "probationary":
                w.subject.status = "probationary"
        case = cases.open_case(Actor.for_user(w.inspector), kind="discipline",
                               title="Xem xét kỷ luật", org_id=w.district.id,
                               subject_type=subject_type, subject_id=subject_id)
        case = f.advance(w, case, BEFORE_VOTE)
        session.commit()
        return case

    return make


def _vote(ui, case: Case, action: str = "record", *, version: int | None = None,
          confirm: bool = True, official: int = 9, absent: tuple[int, int] = (0, 0),
          body: dict[str, str] | None = None, **votes: int) -> Any:
    data: dict[str, Any] = {
        "action": action, "version": case.version if version is None else version,
        "f_voted_on": TODAY.strftime("%d/%m/%Y"), "f_members_official": official,
        "f_members_transferred": absent[0], "f_members_excused_absent": absent[1],
        **(body or DISTRICT),
        **{f"f_votes_{form}": n for form, n in votes.items()},
    }
    if confirm:
        data["confirm"] = "y"
    return ui.post(f"/cases/{case.id}/vote", data)


def _events(session, case: Case) -> list[CaseEvent]:
    return list(session.query(CaseEvent).filter_by(case_id=case.id).order_by(CaseEvent.seq))


OUTCOMES = [
    # (subject, body, votes, verdict shown, adopted, outcome, expulsion forwarded)
    ("member", DISTRICT, {"warning": 5, "none": 4}, "Thông qua hình thức “Cảnh cáo”",
     "warning", "decide", False),
    ("member", DISTRICT, {"removal": 2, "warning": 2, "reprimand": 1, "none": 4},
     "Thông qua hình thức “Khiển trách”", "reprimand", "decide", False),
    ("member", DISTRICT, {"reprimand": 4, "none": 5}, "Không hình thức nào đủ số phiếu",
     None, "no_discipline", False),
    ("member", CELL, {"expulsion": 5, "warning": 1, "none": 3},
     "Thông qua hình thức “Cách chức”", "removal", "propose", True),
    ("probationary", DISTRICT, {"warning": 3, "reprimand": 2, "none": 4},
     "Thông qua hình thức “Khiển trách”", "reprimand", "decide", False),
    ("organisation", DISTRICT, {"dissolution": 1, "warning": 5, "none": 3},
     "Thông qua hình thức “Cảnh cáo”", "warning", "decide", False),
]


@pytest.mark.parametrize(("subject", "body", "votes", "shown", "adopted", "outcome", "forwarded"),
                         OUTCOMES, ids=["alone", "cumulative", "none", "expulsion-short",
                                        "probationary", "organisation"])
def test_outcomes_through_the_page(ui, w, concluded, session, subject, body, votes, shown,
                                   adopted, outcome, forwarded):
    case = concluded(subject)
    ui.sign_in(w.committee_member)
    preview = _vote(ui, case, "preview", confirm=False, body=body, **votes)
    assert preview.status_code == 200, text(preview)
    page = text(preview)
    assert shown in page and "Xem trước — chưa lưu" in page
    assert ("chưa đạt 2/3" in page) is forwarded
    response = _vote(ui, case, body=body, **votes)
    assert response.status_code == 302
    session.refresh(case)
    assert case.state == "voted"
    recorded = _events(session, case)[-1].data
    assert recorded["adopted_form"] == adopted and recorded["vote_outcome"] == outcome
    assert recorded["expulsion_forwarded"] is forwarded
    assert recorded["members_total"] == 9


def test_the_page_lists_only_the_subjects_forms_heaviest_first(ui, w, concluded):
    ui.sign_in(w.chair)
    member = text(ui.get(f"/cases/{concluded().id}/vote"))
    labels = re.findall(r'class="ballot__label" for="f_votes_(\w+)"', member)
    assert labels == ["expulsion", "removal", "warning", "reprimand", "none"]
    probationary = text(ui.get(f"/cases/{concluded('probationary').id}/vote"))
    assert re.findall(r'for="f_votes_(\w+)"', probationary) == ["warning", "reprimand", "none"]
    organisation = text(ui.get(f"/cases/{concluded('organisation').id}/vote"))
    assert re.findall(r'for="f_votes_(\w+)"', organisation) == [
        "dissolution", "warning", "reprimand", "none"]


def test_preview_explains_the_count_and_changes_nothing(ui, w, concluded, session):
    case = concluded()
    version, count = case.version, len(_events(session, case))
    ui.sign_in(w.committee_member)
    page = text(_vote(ui, case, "preview", official=11, absent=(1, 1),
                      removal=2, warning=2, reprimand=1, none=4))
    assert "Cơ sở tính phiếu: 9 thành viên" in page
    assert "ít nhất 5/9 phiếu" in page  # more than half of 9
    assert "cần ít nhất 2/3 số thành viên: 6 phiếu" not in page  # a committee approves
    assert "đến “Khiển trách” được 5/9 phiếu (cần 5)" in page  # the cumulative step
    assert "Thuộc thẩm quyền" in page and "Còn trong thời hiệu" in page
    session.expire_all()
    case = session.get(Case, case.id)
    assert case.version == version and case.state == "concluded"
    assert len(_events(session, case)) == count


def test_recording_writes_the_outcome_into_a_verified_audit_trail(ui, w, concluded, session):
    case = concluded()
    ui.sign_in(w.committee_member)
    response = _vote(ui, case, warning=6, reprimand=1, none=2)
    assert response.headers["Location"] == f"/cases/{case.id}"
    session.refresh(case)
    events = _events(session, case)
    last = events[-1]
    assert last.event == "vote" and last.to_state == "voted"
    assert last.data["vote_running_totals"] == [["expulsion", 0], ["removal", 0],
                                                ["warning", 6], ["reprimand", 7]]
    assert last.data["adopted_alone"] is True and last.data["within_authority"] is True
    assert last.data["limitation_expired"] is False and last.data["vote_rule_set"]
    assert case.data["vote_outcome"] == "decide"  # the case's data too
    assert audit.verify_case(case, events) is None
    page = text(ui.get(f"/cases/{case.id}"))
    assert "Đã ghi nhận kết quả biểu quyết: thông qua hình thức “Cảnh cáo”." in page
    assert 'class="timeline__vote"' in page and "Cách tính kết quả biểu quyết" in page
    assert "Bước tiếp theo:" in page and "ban hành quyết định kỷ luật" in page


@pytest.mark.parametrize(("votes", "error"), [
    ({"warning": 8, "none": 2}, "Tổng số phiếu (10) nhiều hơn số thành viên"),
    ({"warning": -1}, "Số phải từ 0 đến 100000."),
    ({"dissolution": 5}, "Có phiếu cho hình thức không áp dụng với đối tượng: Giải tán"),
    ({"official": 3, "absent": (1, 2)}, "phải ít hơn số thành viên chính thức"),
])
def test_an_invalid_ballot_is_a_form_error_and_nothing_is_written(ui, w, concluded, session,
                                                                   votes, error):
    case = concluded()
    ui.sign_in(w.chair)
    for action in ("preview", "record"):
        response = _vote(ui, case, action, **votes)
        assert response.status_code == 422 and error in text(response)
    session.refresh(case)
    assert case.state == "concluded" and _events(session, case)[-1].event == "conclude"


def test_recording_needs_the_confirmation(ui, w, concluded, session):
    case = concluded()
    ui.sign_in(w.chair)
    response = _vote(ui, case, confirm=False, warning=5)
    assert response.status_code == 422 and "Hãy đánh dấu ô xác nhận" in text(response)
    session.refresh(case)
    assert case.state == "concluded"


def test_a_stale_version_is_refused_with_the_conflict_message(ui, w, concluded, session):
    case = concluded()
    seen = case.version
    ui.sign_in(w.chair)
    cases.fire_event(Actor.for_user(w.committee_member), case.id, "vote", expected_version=seen,
                     data={"voted_on": TODAY.isoformat(), "members_total": 9,
                           "votes_reprimand": 5, "body_level": "district",
                           "body_kind": "committee"})
    session.commit()
    response = _vote(ui, case, version=seen, warning=5)
    assert response.status_code == 409
    page = text(response)
    assert "Hồ sơ vừa được người khác cập nhật — chưa có gì được lưu." in page
    assert "Phạm Thị Ủy" in page and "không còn thực hiện được" in page
    session.refresh(case)
    assert [e.event for e in _events(session, case)][-2:] == ["conclude", "vote"]
    assert case.data["adopted_form"] == "reprimand"


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("inspector", 403),
                                             ("admin", 403), ("outsider", 404)])
def test_only_the_committee_in_scope_may_open_or_post(ui, w, concluded, session, who, status):
    case = concluded()
    ui.sign_in(getattr(w, who))
    assert ui.get(f"/cases/{case.id}/vote").status_code == status
    response = ui.post(f"/cases/{case.id}/vote", {"action": "record", "version": case.version,
                                                  "confirm": "y", "f_votes_warning": 5})
    assert response.status_code == status
    session.refresh(case)
    assert case.state == "concluded"


def test_csrf_is_enforced(ui, w, concluded, session):
    case = concluded()
    ui.sign_in(w.chair)
    response = ui.client.post(f"/cases/{case.id}/vote", data={
        "action": "record", "version": case.version, "confirm": "y", "f_members_official": 9,
        "f_voted_on": TODAY.isoformat(), "f_votes_warning": 5, **DISTRICT})
    assert response.status_code == 400
    session.refresh(case)
    assert case.state == "concluded"


def test_the_case_page_and_the_dashboard_lead_to_the_votes_page(ui, w, concluded, make_case):
    case = concluded()
    f.advance(w, make_case("Chưa đến bước biểu quyết"), f.FULL_PATH[:1])
    ui.sign_in(w.committee_member)
    page = text(ui.get(f"/cases/{case.id}"))
    assert f'href="/cases/{case.id}/vote"' in page
    assert f'href="/cases/{case.id}/events/vote"' not in page
    dashboard = text(ui.get("/"))
    assert "Chờ biểu quyết" in dashboard and f"/cases/{case.id}/vote" in dashboard
    assert "Chưa đến bước biểu quyết" not in dashboard.split("Chờ biểu quyết")[1].split(
        "</section>")[0]
    ui.sign_in(w.outsider)
    assert f"/cases/{case.id}/vote" not in text(ui.get("/"))
    ui.sign_in(w.viewer)
    assert "Chờ biểu quyết" not in text(ui.get("/"))


def test_a_voted_case_is_under_discipline_on_the_dashboard(ui, w, concluded):
    case = concluded()
    ui.sign_in(w.chair)
    assert _vote(ui, case, warning=5).status_code == 302
    for who in (w.chair, w.viewer):
        ui.sign_in(who)
        page = text(ui.get("/"))
        assert case.reference in page.split("Đang xem xét kỷ luật")[1]
        assert "Không có hồ sơ nào đang chờ biểu quyết." in page or who is w.viewer


def test_the_page_is_only_for_a_case_at_the_vote(ui, w, concluded, make_case):
    case = concluded()
    ui.sign_in(w.chair)
    assert _vote(ui, case, warning=5).status_code == 302
    response = ui.get(f"/cases/{case.id}/vote")
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.id}"
    assert ui.get(f"/cases/{make_case().id}/vote").status_code == 404  # no ballot in it


def test_the_outcome_cannot_be_typed_in(w, concluded):
    case = concluded()
    with pytest.raises(ValidationFailed, match="adopted_form"):
        cases.fire_event(Actor.for_user(w.chair), case.id, "vote", expected_version=case.version,
                         data={"voted_on": TODAY.isoformat(), "members_total": 9,
                               "votes_reprimand": 1, "body_level": "district",
                               "body_kind": "committee", "adopted_form": "expulsion"})
