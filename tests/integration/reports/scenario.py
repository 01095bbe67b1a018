"""A known set of cases built through the real service, with back-dated steps,
for checking every figure of the statistics report exactly.

The report period is the third quarter of 2026 (1/7–30/9), the previous one
the second quarter. Every case is owned by the world's district unless said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from tests import factories as f

VN = cases.LOCAL_TZ
Q3, Q2 = "2026-Q3", "2026-Q2"


def at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), VN)


Step = tuple[str, dict[str, Any], str, str]  # event, data, role, local day


def open_on(w: f.World, kind: str, day: str, *, subject: str = "member", org: Any = None,
            subject_id: int | None = None, title: str = "Hồ sơ thống kê") -> Case:
    org = org or w.district
    sid = subject_id or (w.subject.id if subject == "member" else w.grassroots.id)
    return cases.open_case(
        Actor.for_user(w.inspector), kind=kind, title=title, org_id=org.id,
        subject_type=subject, subject_id=sid, now=at(day, 8),
        team=[cases.TeamSeat(w.inspector.id, "leader")])


def play(w: f.World, case: Case, steps: list[Step]) -> Case:
    users = {"chair": w.chair, "member": w.committee_member, "inspector": w.inspector}
    for event, data, role, day in steps:
        case = cases.fire_event(Actor.for_user(users[role]), case.id, event,
                                expected_version=case.version, note="Ghi chú", data=data,
                                now=at(day))
    return case


def decide(day: str) -> Step:
    return ("decide", {"decision_number": "1-QĐ/UBKT", "decision_date": day}, "chair", day)


def prepare(day: str, report: str = "explanation") -> list[Step]:
    return [decide(day), ("launch", {}, "inspector", day),
            (f"request_{report}", {}, "inspector", day),
            (f"receive_{report}", {}, "inspector", day)]


def to_review(day: str, report: str = "explanation") -> list[Step]:
    return [*prepare(day, report), ("draft_report", {}, "inspector", day),
            ("submit_report", {}, "inspector", day)]


def conclude(day: str, outcome: str, **extra: Any) -> Step:
    return ("conclude", {"outcome": outcome, "conclusion": "Kết luận", **extra}, "member", day)


def hear(day: str) -> Step:
    return ("hear_subject", {"heard_on": day, "attendance": "present"}, "member", day)


@dataclass
class Built:
    cases: dict[str, Case] = field(default_factory=dict)


def build(w: f.World) -> Built:
    b = Built()
    grassroots_member = f.member(w.cell, "Lê Văn Bình")
    # Type A, member, district: decided, concluded "discipline warranted", warning decided.
    a1 = open_on(w, "inspection_violation", "2026-07-01")
    b.cases["a1"] = play(w, a1, [
        *to_review("2026-07-02"), conclude("2026-08-10", "discipline_warranted"),
        ("start_discipline", {}, "chair", "2026-08-11"), hear("2026-08-20"),
        ("decide_discipline", {"form": "warning", "decision_number": "5-QĐ/UBKT"}, "chair",
         "2026-09-15")])
    # Type A, organisation, district: decided and concluded "no violation" in Q3.
    a2 = open_on(w, "inspection_violation", "2026-07-03", subject="organisation")
    b.cases["a2"] = play(w, a2, [*to_review("2026-07-06"), conclude("2026-09-01",
                                                                     "no_violation")])
    # Type A, member, owned by the cell: decided in Q3, still under way.
    a3 = open_on(w, "inspection_violation", "2026-07-07", org=w.cell)
    b.cases["a3"] = play(w, a3, [decide("2026-07-08")])
    # Type A, another member, combined track: decided in Q2, reprimand decided in Q3.
    a4 = open_on(w, "inspection_violation", "2026-05-04", subject_id=grassroots_member.id)
    b.cases["a4"] = play(w, a4, [
        *prepare("2026-05-05"),
        ("start_combined_track", {"admission": "Tự nhận", "proposed_form": "reprimand"},
         "member", "2026-07-20"), hear("2026-07-21"),
        ("decide_discipline", {"form": "reprimand", "decision_number": "6-QĐ/UBKT",
                               "conclusion": "Kết luận cùng quyết định"}, "chair",
         "2026-07-22")])
    # Type A, member, Q2 only: concluded "violation, no discipline" in Q2.
    a5 = open_on(w, "inspection_violation", "2026-04-01")
    b.cases["a5"] = play(w, a5, [*to_review("2026-04-02"),
                                 conclude("2026-06-30", "violation_no_discipline")])
    # Financial: Q3 with 3.5 billion to recover; Q2 with 1.2 million.
    fin = open_on(w, "financial_inspection", "2026-07-01", subject="organisation")
    b.cases["fin"] = play(w, fin, [
        *to_review("2026-07-02", "self_report"),
        conclude("2026-09-30", "violation_no_discipline", amount_to_recover=3_500_000_000)])
    fin0 = open_on(w, "financial_inspection", "2026-04-01", subject="organisation")
    b.cases["fin0"] = play(w, fin0, [
        *to_review("2026-04-02", "self_report"),
        conclude("2026-05-02", "shortcomings", amount_to_recover=1_200_000)])
    # Supervision of a member, decided in Q3.
    sup = open_on(w, "supervision", "2026-07-01")
    b.cases["sup"] = play(w, sup, [("decide", {
        "decision_number": "7-QĐ/UBKT", "decision_date": "2026-07-02",
        "supervision_kind": "thematic"}, "chair", "2026-07-02")])
    # Denunciations: one against a member concluded "correct", one against an
    # organisation not handled (anonymous), both received in Q3.
    screen = {"received_on": "2026-07-10", "managed_by_level": "district"}
    d1 = open_on(w, "denunciation", "2026-07-10")
    b.cases["d1"] = play(w, d1, [
        ("screen", screen, "inspector", "2026-07-10"),
        ("accept", {"decision_number": "9-QĐ/UBKT", "decision_date": "2026-07-11"}, "chair",
         "2026-07-11"),
        ("conclude", {"outcome": "correct", "conclusion": "Đúng"}, "chair", "2026-08-15")])
    d2 = open_on(w, "denunciation", "2026-07-12", subject="organisation")
    b.cases["d2"] = play(w, d2, [
        ("screen", {**screen, "received_on": "2026-07-12", "anonymous": "yes"}, "inspector",
         "2026-07-12"), ("reject", {}, "chair", "2026-07-13")])
    # A complaint received in Q3, ruled "change" (warning -> reprimand).
    c1 = open_on(w, "discipline_complaint", "2026-08-03")
    b.cases["c1"] = play(w, c1, [
        ("screen", {"decision_received_on": "2026-07-20", "filed_on": "2026-07-30",
                    "complained_form": "warning"}, "inspector", "2026-08-03"),
        ("accept", {"decision_number": "4-QĐ/UBKT", "decision_date": "2026-08-04"}, "chair",
         "2026-08-04"), ("report", {}, "inspector", "2026-08-20"),
        ("rule", {"ruling": "change", "new_form": "reprimand", "decision_number": "5-QĐ/UBKT"},
         "chair", "2026-09-10")])
    # A discipline proceeding, voted by the province committee: removal in Q3.
    k1 = open_on(w, "discipline", "2026-07-01")
    b.cases["k1"] = play(w, k1, [
        ("request_self_criticism", {}, "inspector", "2026-07-01"),
        ("hear_subject", {"heard_on": "2026-07-02"}, "member", "2026-07-02"),
        ("conclude", {"conclusion": "Vi phạm", "violation_ended_on": "2026-01-05"}, "member",
         "2026-07-03"),
        ("vote", {"voted_on": "2026-07-06", "members_total": 9, "votes_removal": 6,
                  "body_level": "province", "body_kind": "committee"}, "member", "2026-07-06"),
        ("decide", {"form": "removal", "decision_number": "30-QĐ/TU"}, "chair", "2026-07-07")])
    return b
