"""Table of walks: for every registered definition, a path from the initial state to
each final state and outcome, with the roles and data each step needs.

Shared by the pure tests (tests/unit/test_definitions.py, which fire the
definitions directly) and the service tests (tests/integration/
test_procedures.py, which open real cases in the factories' world). Dates are
relative to today in Vietnam; a step may happen ``shift`` days from today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

TODAY = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
NOTE = "Lý do cụ thể"

# The facts the service computes for the factories' world (cases owned by the district).
MEMBER_FACTS: dict[str, Any] = {"owning_org_level": "district", "is_owning_organisation": False,
                                "status": "full", "positions": ["Phó Chủ tịch UBND phường"]}
ORG_FACTS: dict[str, Any] = {"owning_org_level": "district", "is_owning_organisation": False,
                             "level": "grassroots", "parent_level": "district"}


def d(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@dataclass(frozen=True)
class Step:
    event: str
    data: dict[str, Any] = field(default_factory=dict)
    role: str = "chair"
    shift: int = 0  # days after today on which the step happens


@dataclass(frozen=True)
class Walk:
    name: str
    kind: str
    version: int
    subject: str  # "member" or "organisation"
    steps: tuple[Step, ...]
    final: str
    spawns: tuple[str, ...] = ()  # kinds of the linked cases opened on the way
    anchor_on: date | None = None

    @property
    def facts(self) -> dict[str, Any]:
        return MEMBER_FACTS if self.subject == "member" else ORG_FACTS


def S(event: str, role: str = "chair", shift: int = 0, **data: Any) -> Step:
    return Step(event, data, role, shift)


# --------------------------------------------------------------------------- inspections

DECIDE = S("decide", decision_number="15-QĐ/UBKT", decision_date=d(0))


def _prepare(report: str, decide: Step = DECIDE) -> tuple[Step, ...]:
    return (decide, S("launch", "inspector"), S(f"request_{report}", "inspector"),
            S(f"receive_{report}", "inspector"))


def _base(report: str, decide: Step = DECIDE) -> tuple[Step, ...]:
    return (*_prepare(report, decide), S("draft_report", "inspector"),
            S("submit_report", "inspector"))


def _conclude(outcome: str, **extra: Any) -> Step:
    return S("conclude", "member", outcome=outcome, conclusion="Nội dung kết luận", **extra)


HEAR = S("hear_subject", "member", heard_on=d(0), attendance="present")


def _inspection(kind: str, version: int, subject: str, report: str, *, close: str,
                follow: tuple[str, ...], discipline: str | None, form: str,
                decide: Step = DECIDE, signs: str | None = None,
                anchor_on: date | None = None) -> list[Walk]:
    base = _base(report, decide)
    prefix = f"{kind}-v{version}-{subject[:3]}"

    def walk(name: str, steps: tuple[Step, ...], final: str = "closed", **kw: Any) -> Walk:
        return Walk(f"{prefix}-{name}", kind, version, subject, steps, final,
                    anchor_on=anchor_on, **kw)

    walks = [
        walk(close, (*base, _conclude(close), S("close_no_violation"))),
        walk("send-back", (*base, S("send_back", "member"), S("draft_report", "inspector"),
                           S("submit_report", "inspector"), _conclude(close),
                           S("close_no_violation"))),
        walk("cancelled", (S("cancel"),), "cancelled"),
        walk("transferred", (decide, S("transfer", transferred_to="UBKT Tỉnh ủy")),
             "transferred"),
        *(walk(o, (*base, _conclude(o), S("start_follow_up"), S("close"))) for o in follow),
    ]
    if signs:
        walks.append(walk(signs, (*base, _conclude(signs),
                                  S("propose_inspection", content="Dấu hiệu")),
                          "spawned_inspection", spawns=("inspection_violation",)))
    if discipline is None:
        return walks
    start = (*base, _conclude(discipline), S("start_discipline"))
    if anchor_on is not None:  # inspection_violation v1: no hearing, no combined track
        return [*walks, walk("discipline", (
            *start, S("decide_discipline", form=form, decision_number="20-QĐ/UBKT"),
            S("close")))]
    return [
        *walks,
        walk("discipline", (*start, HEAR, S("decide_discipline", form=form,
                                            decision_number="20-QĐ/UBKT"), S("close"))),
        walk("propose", (*start, HEAR, S("propose_discipline", proposed_form=form,
                                         proposed_to="Ban Thường vụ Tỉnh ủy"), S("close"))),
        walk("no-discipline", (*start, HEAR, S("no_discipline"), S("close"))),
        walk("combined", (
            *_prepare(report, decide),
            S("start_combined_track", "member", admission="Tự nhận vi phạm", proposed_form=form),
            HEAR, S("decide_discipline", form=form, decision_number="21-QĐ/UBKT",
                    conclusion="Kết luận cùng quyết định kỷ luật"), S("close"))),
    ]


INSPECTIONS = [
    *_inspection("inspection_violation", 1, "member", "explanation", close="no_violation",
                 follow=("shortcomings", "violation_no_discipline", "referred"),
                 discipline="discipline_warranted", form="warning", anchor_on=date(2020, 1, 6)),
    *_inspection("inspection_violation", 2, "member", "explanation", close="no_violation",
                 follow=("shortcomings", "violation_no_discipline", "referred"),
                 discipline="discipline_warranted", form="removal"),
    *_inspection("inspection_violation", 2, "organisation", "explanation",
                 close="no_violation", follow=(), discipline="discipline_warranted",
                 form="warning")[4:],
    *_inspection("inspection_lower_work", 1, "organisation", "self_report", close="good",
                 follow=("shortcomings",), discipline=None, form="",
                 signs="signs_of_violation"),
    *_inspection("financial_inspection", 1, "organisation", "self_report", close="no_violation",
                 follow=("shortcomings", "violation_no_discipline", "referred"),
                 discipline="discipline_warranted", form="reprimand"),
    *_inspection("asset_declaration", 1, "member", "explanation", close="honest",
                 follow=("incomplete", "referred"), discipline="dishonest", form="warning",
                 decide=S("decide", decision_number="3-QĐ/UBKT", decision_date=d(0),
                          ground="dishonest_report")),
]

# --------------------------------------------------------------------------- supervision

_SUP = (S("decide", decision_number="7-QĐ/UBKT", decision_date=d(0), supervision_kind="thematic"),
        S("request_report", "inspector"), S("receive_report", "inspector"),
        S("hold_meeting", "inspector", meeting_on=d(0)), S("draft_report", "inspector"),
        S("submit_report", "inspector"))
SUPERVISION = [
    Walk("supervision-good", "supervision", 1, "organisation",
         (*_SUP, _conclude("good"), S("close_no_issue")), "closed"),
    Walk("supervision-recommendations", "supervision", 1, "member",
         (*_SUP, S("send_back", "member"), S("hold_meeting", "inspector", meeting_on=d(0)),
          S("draft_report", "inspector"), S("submit_report", "inspector"),
          _conclude("recommendations"), S("start_follow_up"), S("close")), "closed"),
    Walk("supervision-signs", "supervision", 1, "member",
         (*_SUP, _conclude("signs_of_violation"),
          S("propose_inspection", content="Dấu hiệu vi phạm đất đai")),
         "spawned_inspection", spawns=("inspection_violation",)),
    Walk("supervision-cancelled", "supervision", 1, "member", (S("cancel"),), "cancelled"),
]

# --------------------------------------------------------------------------- denunciations

SCREEN = {"received_on": d(-3), "managed_by_level": "district"}
V1_ANCHOR = date(2024, 5, 6)


def _screen(**extra: Any) -> Step:
    return S("screen", "inspector", **{**SCREEN, **extra})


ACCEPT = S("accept", decision_number="9-QĐ/UBKT", decision_date=d(0))
NOTIFY = S("notify_denouncer", "inspector", notified_on=d(0))


def _denunciation(version: int) -> list[Walk]:
    anchor = V1_ANCHOR if version == 1 else None
    kind = "denunciation"

    def walk(name: str, steps: tuple[Step, ...], final: str, **kw: Any) -> Walk:
        return Walk(f"denunciation-v{version}-{name}", kind, version, "member", steps, final,
                    anchor_on=anchor, **kw)

    walks = [
        walk("not-handled", (_screen(anonymous="yes"), S("reject")), "not_handled"),
        walk("forwarded", (_screen(managed_by_level="province"),
                           S("forward", forwarded_to="UBKT Tỉnh ủy")), "forwarded"),
        walk("correct", (_screen(), ACCEPT, S("conclude", outcome="correct", conclusion="Đúng"),
                         NOTIFY, S("close")), "closed"),
        walk("discipline", (_screen(), ACCEPT, S("conclude", outcome="partly_correct",
                                                  conclusion="Đúng một phần"),
                            S("refer_discipline"), NOTIFY, S("close")), "closed",
             spawns=("discipline",)),
        walk("extended", (_screen(), ACCEPT, S("extend_resolution", extended_until=d(100)),
                          S("conclude", outcome="incorrect", conclusion="Sai"), NOTIFY,
                          S("close")), "closed"),
        walk("withdrawn", (_screen(), ACCEPT, S("withdraw", coerced="no")), "withdrawn"),
        walk("frozen", (_screen(congress_on=d(10), congress_level="grassroots"), S("freeze"),
                        S("resume_after_congress", shift=12), S("accept", shift=12,
                                                               decision_number="9-QĐ/UBKT",
                                                               decision_date=d(12)),
                        S("conclude", shift=12, outcome="incorrect", conclusion="Sai"),
                        S("notify_denouncer", "inspector", shift=12, notified_on=d(12)),
                        S("close", shift=12)), "closed"),
    ]
    if version == 2:
        walks += [
            walk("information-inspection", (
                _screen(anonymous="yes", specific_content="yes"), S("keep_as_information"),
                S("propose_inspection", content="Thông tin cụ thể")), "grounded_inspection",
                spawns=("inspection_violation",)),
            walk("information-filed", (
                _screen(false_name="yes", specific_content="yes"), S("keep_as_information"),
                S("file_information")), "filed"),
            walk("false-accusation", (_screen(), ACCEPT, S(
                "conclude", outcome="false_accusation", conclusion="Vu cáo"), NOTIFY,
                S("close")), "closed"),
        ]
    return walks


DENUNCIATIONS = [*_denunciation(1), *_denunciation(2)]

# --------------------------------------------------------------------------- complaints

COMPLAINT_SCREEN = {"decision_received_on": d(-20), "filed_on": d(-10),
                    "complained_form": "warning"}


def _complaint(name: str, steps: tuple[Step, ...], final: str) -> Walk:
    return Walk(f"complaint-{name}", "discipline_complaint", 1, "member", steps, final)


def _cscreen(**extra: Any) -> Step:
    return S("screen", "inspector", **{**COMPLAINT_SCREEN, **extra})


_REVIEW = (_cscreen(), S("accept", decision_number="4-QĐ/UBKT", decision_date=d(0)),
           S("report", "inspector"))


def _ruled(ruling: str, **extra: Any) -> tuple[Step, ...]:
    return (*_REVIEW, S("rule", ruling=ruling, decision_number="5-QĐ/UBKT", **extra),
            S("announce_ruling", "inspector", announced_on=d(0)), S("close"))


COMPLAINTS = [
    _complaint("late", (_cscreen(decision_received_on=d(-60), filed_on=d(-5)), S("reject")),
               "not_accepted"),
    _complaint("upheld", _ruled("uphold"), "closed"),
    _complaint("changed", _ruled("change", new_form="reprimand"), "closed"),
    _complaint("annulled", (*_REVIEW, S("send_back"), S("report", "inspector"),
                            *_ruled("annul")[3:]), "closed"),
    _complaint("escalated", (_cscreen(), S("escalate", escalated_to="UBKT Tỉnh ủy")),
               "escalated"),
    _complaint("appealed", (*_ruled("uphold")[:-2], S("escalate", escalated_to="Ban Thường vụ")),
               "escalated"),
    _complaint("withdrawn", (_cscreen(), S("withdraw")), "withdrawn"),
]

# --------------------------------------------------------------------------- discipline

VOTE = {"voted_on": d(0), "members_total": 9, "body_level": "district", "body_kind": "committee"}
_BEFORE_VOTE = (S("request_self_criticism", "inspector"), S("hear_subject", "member",
                                                              heard_on=d(0)),
                S("conclude", "member", conclusion="Vi phạm", violation_ended_on=d(-400)))


def _discipline(name: str, steps: tuple[Step, ...], final: str, subject: str = "member",
                **kw: Any) -> Walk:
    return Walk(f"discipline-{name}", "discipline", 1, subject, steps, final, **kw)


def _vote(**votes: Any) -> Step:
    return S("vote", "member", **{**VOTE, **votes})


def _decided(form: str, votes: dict[str, Any]) -> tuple[Step, ...]:
    return (*_BEFORE_VOTE, _vote(**votes), S("decide", form=form, decision_number="30-QĐ/TU"))


ANNOUNCE = {"announced_on": d(0)}
DISCIPLINE = [
    _discipline("lapsed", (*_decided("warning", {"votes_warning": 6, "votes_reprimand": 2}),
                           S("announce", "inspector", announced_on=d(-370)), S("lapse")),
                "lapsed"),
    _discipline("in-effect-closed", (*_decided("removal", {"votes_removal": 5}),
                                     S("announce", "inspector", **ANNOUNCE), S("close")),
                "closed"),
    _discipline("complaint", (*_decided("reprimand", {"votes_reprimand": 5, "votes_none": 4}),
                              S("announce", "inspector", **ANNOUNCE),
                              S("receive_complaint", "inspector", complaint_filed_on=d(0)),
                              S("close")), "closed", spawns=("discipline_complaint",)),
    _discipline("expulsion", (*_decided("expulsion", {"votes_expulsion": 7}),
                              S("announce_permanent", "inspector", **ANNOUNCE), S("close")),
                "closed"),
    _discipline("organisation", (*_decided("warning", {"votes_warning": 5}),
                                 S("announce", "inspector", **ANNOUNCE), S("close")), "closed",
                subject="organisation"),
    _discipline("no-form-adopted", (*_BEFORE_VOTE, _vote(votes_reprimand=2, votes_none=5),
                                    S("close_no_discipline")), "no_discipline"),
    _discipline("beyond-authority", (*_BEFORE_VOTE, _vote(
        body_level="cell", body_kind="cell", votes_expulsion=7),
        S("propose_to_competent", proposed_form="expulsion", proposed_to="Đảng ủy phường")),
        "proposed_to_competent"),
    _discipline("limitation-run", (*_BEFORE_VOTE[:2], S(
        "conclude", "member", conclusion="Vi phạm cũ", violation_ended_on=d(-6 * 366)),
        _vote(votes_reprimand=6), S("conclude_not_enforced")), "not_enforced"),
    _discipline("deferred-resumed", (S("defer", pregnant="yes"), S("resume"),
                                     *_decided("warning", {"votes_warning": 5})[1:],
                                     S("announce", "inspector", **ANNOUNCE), S("close")),
                "closed"),
    _discipline("cancelled", (S("defer", child_born_on=d(-100)), S("cancel")), "cancelled"),
]

# --------------------------------------------------------------------------- suspension

SUSPEND = S("suspend", ground="obstruction", decision_number="2-QĐ/TU", suspended_from=d(-100))
SUSPENSION = [
    Walk("suspension-expired", "suspension", 1, "member", (SUSPEND, S("expire")), "expired"),
    Walk("suspension-extended", "suspension", 1, "member", (
        SUSPEND, S("extend", extended_until=d(10), extension_decision_number="3-QĐ/TU"),
        S("expire", shift=12)), "expired"),
    Walk("suspension-lifted", "suspension", 1, "organisation", (
        S("suspend", ground="serious_with_obstruction", decision_number="2-QĐ/TU",
          suspended_from=d(0)), S("lift")), "lifted"),
    Walk("suspension-criminal", "suspension", 1, "member", (
        S("suspend_criminal", ground="detained", decision_number="4-QĐ/TU",
          suspended_from=d(-10)), S("lift")), "lifted"),
    Walk("suspension-cancelled", "suspension", 1, "member", (S("cancel"),), "cancelled"),
]

ALL_WALKS = [*INSPECTIONS, *SUPERVISION, *DENUNCIATIONS, *COMPLAINTS, *DISCIPLINE, *SUSPENSION]
