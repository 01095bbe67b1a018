"""Guards of the procedures, table-tested: admissibility grounds, the congress freeze
boundaries, complaint lateness, financial own-committee, the vote's outcomes, deferral,
lapse and suspension limits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.unit.test_definitions import check, context
from tests.walks import COMPLAINT_SCREEN, SCREEN, TODAY, VOTE, d
from workflows.calendar import WorkingCalendar
from workflows.intake import (
    COMPLAINT_GROUND_KEYS,
    DENUNCIATION_GROUND_KEYS,
    FREEZE_WORKING_DAYS,
    complaint_window_ends,
    freeze_applies,
)

CAL = WorkingCalendar()

# --------------------------------------------------------------------------- denunciations


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("ground", DENUNCIATION_GROUND_KEYS)
def test_each_ground_means_not_handled(version: int, ground: str) -> None:
    ctx = context("screened", case_data={**SCREEN, ground: "yes"})
    assert check("denunciation", "reject", ctx, version)[0]
    ok, reasons = check("denunciation", "accept", ctx, version)
    assert not ok and any("không được giải quyết" in r for r in reasons)
    assert not check("denunciation", "forward", ctx, version)[0]
    assert not check("denunciation", "reject", context("screened", case_data=SCREEN),
                     version)[0]


@pytest.mark.parametrize(("flags", "kept"), [
    ({"anonymous": "yes", "specific_content": "yes"}, True),
    ({"false_name": "yes", "specific_content": "yes"}, True),
    ({"anonymous": "yes"}, False),
    ({"anonymous": "yes", "specific_content": "no"}, False),
    ({"no_address": "yes", "specific_content": "yes"}, False),
    ({"specific_content": "yes"}, False),
])
def test_anonymous_letter_with_specific_content_is_kept_as_information(flags: dict[str, str],
                                                                       kept: bool) -> None:
    ctx = context("screened", case_data={**SCREEN, **flags})
    assert check("denunciation", "keep_as_information", ctx, 2)[0] is kept


@pytest.mark.parametrize(("managed_by", "competent"), [("district", True), ("province", False),
                                                       ("grassroots", False)])
def test_the_level_that_manages_the_accused_is_competent(managed_by: str, competent: bool,
                                                         ) -> None:
    facts = {**SCREEN, "managed_by_level": managed_by}
    accept = context("screened", case_data=facts, decision_number="1", decision_date=d(0))
    forward = context("screened", case_data=facts, forwarded_to="UBKT Tỉnh ủy")
    assert check("denunciation", "accept", accept)[0] is competent
    assert check("denunciation", "forward", forward)[0] is not competent


def _received(congress: date, working_days: int) -> date:
    """The day from which ``working_days`` working days run up to the congress day."""
    day = congress
    while CAL.working_days_between(day, congress) < working_days:
        day -= timedelta(days=1)
    return day


@pytest.mark.parametrize("level", ["grassroots", "higher"])
def test_freeze_window_boundaries(level: str) -> None:
    congress = date(2030, 3, 4)
    days = FREEZE_WORKING_DAYS[level].value
    assert (days, FREEZE_WORKING_DAYS[level].is_confirmed) == (25 if level == "grassroots"
                                                               else 30, False)
    assert freeze_applies(_received(congress, days), congress, level)
    assert not freeze_applies(_received(congress, days + 1), congress, level)
    assert freeze_applies(congress - timedelta(days=1), congress, level)
    assert not freeze_applies(congress, congress, level)
    assert not freeze_applies(congress + timedelta(days=1), congress, level)


def test_freeze_guards_use_the_window_and_the_congress_date() -> None:
    facts = {**SCREEN, "received_on": d(-1), "congress_on": d(20), "congress_level": "higher"}
    decision = {"decision_number": "1", "decision_date": d(0)}
    ctx = context("screened", case_data=facts, **decision)
    assert check("denunciation", "freeze", ctx)[0]
    assert not check("denunciation", "accept", ctx)[0]
    held = context("screened", case_data=facts, today=TODAY + timedelta(days=20), **decision)
    assert not check("denunciation", "freeze", held)[0] and check("denunciation", "accept",
                                                                  held)[0]
    assert not check("denunciation", "resume_after_congress", context("frozen", case_data=facts))[0]
    far = {**facts, "received_on": d(-1), "congress_on": d(120)}
    assert not check("denunciation", "freeze", context("screened", case_data=far))[0]


def test_extension_is_at_most_30_days_after_the_resolution_deadline() -> None:
    facts = {**SCREEN, "received_on": "2026-03-02"}
    due = CAL.add(date(2026, 3, 2), 90, "working_days")
    latest = CAL.add(due, 30, "calendar_days")
    ok = context("resolving", case_data=facts, extended_until=latest.isoformat())
    late = context("resolving", case_data=facts,
                   extended_until=(latest + timedelta(days=1)).isoformat())
    assert check("denunciation", "extend_resolution", ok)[0]
    allowed, reasons = check("denunciation", "extend_resolution", late)
    assert not allowed and "không quá 30 ngày" in reasons[0]


def test_a_coerced_withdrawal_does_not_end_the_case() -> None:
    assert not check("denunciation", "withdraw", context("resolving", coerced="yes"))[0]
    assert check("denunciation", "withdraw", context("resolving", coerced="no"))[0]


# --------------------------------------------------------------------------- complaints


@pytest.mark.parametrize("ground", COMPLAINT_GROUND_KEYS)
def test_each_complaint_ground_is_inadmissible(ground: str) -> None:
    ctx = context("screened", case_data={**COMPLAINT_SCREEN, ground: "yes"},
                  decision_number="4", decision_date=d(0))
    assert check("discipline_complaint", "reject", ctx)[0]
    assert not check("discipline_complaint", "accept", ctx)[0]


@pytest.mark.parametrize("received", [date(2026, 1, 30), date(2026, 3, 31), date(2025, 8, 29),
                                      date(2024, 2, 29)])
def test_complaint_lateness_boundary(received: date) -> None:
    last = complaint_window_ends(received)
    assert last >= received + timedelta(days=28) and CAL.is_working_day(last)

    def ctx(filed: date) -> Any:
        return context("screened", case_data={"decision_received_on": received.isoformat(),
                                              "filed_on": filed.isoformat(),
                                              "complained_form": "warning"},
                           decision_number="4", decision_date=d(0))

    assert check("discipline_complaint", "accept", ctx(last))[0]
    ok, reasons = check("discipline_complaint", "accept", ctx(last + timedelta(days=1)))
    assert not ok and "Quá thời hạn khiếu nại" in reasons[0]
    assert check("discipline_complaint", "reject", ctx(last + timedelta(days=1)))[0]
    before = check("discipline_complaint", "accept", ctx(received - timedelta(days=1)))
    assert not before[0] and "trước ngày nhận quyết định" in before[1][0]


@pytest.mark.parametrize(("data", "ok"), [
    ({"ruling": "uphold"}, True),
    ({"ruling": "annul"}, True),
    ({"ruling": "change", "new_form": "reprimand"}, True),
    ({"ruling": "change"}, False),
    ({"ruling": "change", "new_form": "warning"}, False),  # same as the complained form
    ({"ruling": "change", "new_form": "dissolution"}, False),  # not a member's form
    ({"ruling": "uphold", "new_form": "reprimand"}, False),
])
def test_complaint_ruling_is_consistent(data: dict[str, str], ok: bool) -> None:
    ctx = context("committee_review", case_data=COMPLAINT_SCREEN, decision_number="5", **data)
    assert check("discipline_complaint", "rule", ctx)[0] is ok


# --------------------------------------------------------------------------- inspections


@pytest.mark.parametrize(("kind", "own", "ok"), [
    ("financial_inspection", True, False), ("financial_inspection", False, True),
    ("inspection_lower_work", True, False), ("inspection_lower_work", False, True),
    ("inspection_violation", True, True),
])
def test_own_committee_cannot_be_inspected(kind: str, own: bool, ok: bool) -> None:
    ctx = context("proposed", subject="organisation", facts={"is_owning_organisation": own},
                  decision_number="1", decision_date=d(0))
    allowed, reasons = check(kind, "decide", ctx)
    assert allowed is ok
    if kind == "financial_inspection" and own:
        assert "tài chính của cấp ủy cùng cấp" in reasons[0] and "[S33]" in reasons[0]


def test_combined_track_needs_the_conclusion_with_the_decision() -> None:
    data = {"form": "warning", "decision_number": "1"}
    assert not check("inspection_violation", "decide_discipline",
                     context("subject_heard", **data))[0]
    assert check("inspection_violation", "decide_discipline",
                 context("subject_heard", conclusion="Kết luận", **data))[0]
    assert check("inspection_violation", "decide_discipline",
                 context("subject_heard", case_data={"conclusion": "Đã kết luận"}, **data))[0]
    assert not check("inspection_violation", "start_combined_track", context(
        "verifying", subject="organisation", admission="x", proposed_form="removal"))[0]


# --------------------------------------------------------------------------- discipline vote

OUTCOME_EVENTS = ("decide", "propose_to_competent", "conclude_not_enforced",
                  "close_no_discipline")
CONCLUDED = {"conclusion": "Vi phạm", "violation_ended_on": d(-400)}


def _outcomes(votes: dict[str, Any], *, subject: str = "member",
              facts: dict[str, Any] | None = None, **extra: Any) -> set[str]:
    data = {**CONCLUDED, **VOTE, **votes, **extra}
    allowed = set()
    for event in OUTCOME_EVENTS:
        fields = {"decide": {"form": _adopted(votes), "decision_number": "1"},
                  "propose_to_competent": {"proposed_form": "expulsion", "proposed_to": "x"},
                  }.get(event, {})
        ctx = context("voted", subject=subject, facts=facts, case_data=data, **fields)
        if check("discipline", event, ctx)[0]:
            allowed.add(event)
    return allowed


def _adopted(votes: dict[str, Any]) -> str:
    counted = {k: v for k, v in votes.items() if k.startswith("votes_") and k != "votes_none"}
    return max(counted, key=lambda k: counted[k]).removeprefix("votes_") if counted else ""


@pytest.mark.parametrize(("votes", "extra", "expected"), [
    ({"votes_warning": 5}, {}, {"decide"}),  # 5 of 9: more than half
    ({"votes_warning": 3, "votes_removal": 2}, {}, {"decide"}),  # cumulative: warning 5
    ({"votes_reprimand": 4, "votes_none": 5}, {}, {"close_no_discipline"}),  # 4 of 9: none
    ({"votes_expulsion": 5}, {}, {"decide"}),  # a committee approves by more than half
    ({"votes_expulsion": 6}, {"body_level": "cell", "body_kind": "cell"},
     {"propose_to_competent"}),  # a cell cannot expel: propose
    ({"votes_expulsion": 5, "votes_warning": 1}, {"body_level": "cell", "body_kind": "cell"},
     {"propose_to_competent"}),  # short of 2/3: cumulative warning, the file still goes up
    ({"votes_reprimand": 6}, {"violation_ended_on": d(-6 * 366)}, {"conclude_not_enforced"}),
    ({"votes_warning": 6}, {"violation_ended_on": d(-6 * 366)}, {"decide"}),  # 10 years
    ({"votes_reprimand": 6}, {"violation_ended_on": d(-6 * 366),
                              "limitation_category": "internal_politics"}, {"decide"}),
    ({"votes_warning": 6}, {"subject_managed_by_level": "province"}, {"decide"}),
    ({"votes_warning": 6}, {"subject_managed_by_level": "province",
                            "violation_domain": "assigned_task"},
     {"propose_to_competent"}),  # higher-managed cadre, a task from above: beyond the district
])
def test_vote_outcomes(votes: dict[str, Any], extra: dict[str, Any], expected: set[str]) -> None:
    assert _outcomes(votes, **extra) == expected


def test_organisation_vote_and_forms() -> None:
    assert _outcomes({"votes_warning": 5}, subject="organisation") == {"decide"}
    assert _outcomes({"votes_removal": 5}, subject="organisation") == set()  # invalid ballot


@pytest.mark.parametrize(("votes", "facts", "problem"), [
    ({"votes_warning": 10}, {}, "không hợp lệ"),  # more votes than members
    ({"votes_removal": 5}, {"positions": []}, "không áp dụng"),  # no post, no removal
    ({"votes_dissolution": 5}, {}, "không áp dụng"),
    ({"votes_warning": 5}, {"status": "probationary"}, ""),
])
def test_ballot_validity(votes: dict[str, Any], facts: dict[str, Any], problem: str) -> None:
    ctx = context("concluded", facts=facts, case_data=CONCLUDED, **VOTE, **votes)
    ok, reasons = check("discipline", "vote", ctx)
    assert ok is (not problem) and (not problem or problem in reasons[0])


def test_the_decided_form_must_be_the_adopted_one() -> None:
    data = {**CONCLUDED, **VOTE, "votes_warning": 6}
    ok, reasons = check("discipline", "decide", context("voted", case_data=data, form="reprimand",
                                                        decision_number="1"))
    assert not ok and "Cảnh cáo" in reasons[0]


@pytest.mark.parametrize(("data", "ok"), [
    ({"pregnant": "yes"}, True),
    ({"seriously_ill": "yes"}, True),
    ({"child_born_on": d(-300)}, True),
    ({"child_born_on": d(-400)}, False),
    ({"pregnant": "no"}, False),
    ({}, False),
])
def test_deferral_grounds(data: dict[str, str], ok: bool) -> None:
    assert check("discipline", "defer", context("opened", **data))[0] is ok


def test_deferral_for_organisations_and_resumption() -> None:
    assert not check("discipline", "defer", context("opened", subject="organisation",
                                                    pregnant="yes"))[0]
    young = context("deferred", case_data={"child_born_on": d(-300)})
    assert not check("discipline", "resume", young)[0]
    grown = context("deferred", case_data={"child_born_on": d(-300)},
                    today=TODAY + timedelta(days=70))
    assert check("discipline", "resume", grown)[0]


@pytest.mark.parametrize(("announced", "form", "new_violation", "ok"), [
    (-370, "warning", "no", True),
    (-300, "warning", "no", False),
    (-370, "warning", "yes", False),
    (-370, "expulsion", "no", False),
])
def test_lapse_at_the_end_of_the_effect_period(announced: int, form: str, new_violation: str,
                                               ok: bool) -> None:
    ctx = context("in_effect", case_data={"form": form, "announced_on": d(announced)},
                  new_violation=new_violation)
    assert check("discipline", "lapse", ctx)[0] is ok


def test_expulsion_is_announced_without_an_effect_period() -> None:
    data = {"announced_on": d(0)}
    assert not check("discipline", "announce", context("decided", case_data={
        "form": "expulsion"}, **data))[0]
    assert check("discipline", "announce_permanent", context("decided", case_data={
        "form": "expulsion"}, **data))[0]


# --------------------------------------------------------------------------- suspension


@pytest.mark.parametrize(("subject", "start", "until", "ok"), [
    ("member", -100, 80, True),
    ("member", -100, 90, False),  # beyond 180 days in all
    ("organisation", -100, 10, False),  # organisations: at most 90, no extension
])
def test_suspension_extension_limits(subject: str, start: int, until: int, ok: bool) -> None:
    last = CAL.add(TODAY + timedelta(days=start), 180, "calendar_days")
    if subject == "member":
        assert ok is (TODAY + timedelta(days=until) <= last)
    ctx = context("suspended", subject=subject, case_data={"suspended_from": d(start)},
                  extended_until=d(until), extension_decision_number="1")
    assert check("suspension", "extend", ctx)[0] is ok


def test_suspension_expires_only_after_its_term() -> None:
    assert not check("suspension", "expire", context("suspended", case_data={
        "suspended_from": d(-30)}))[0]
    assert check("suspension", "expire", context("suspended", case_data={
        "suspended_from": d(-100)}))[0]
    assert not check("suspension", "expire", context("extended", case_data={
        "suspended_from": d(-100), "extended_until": d(5)}))[0]
