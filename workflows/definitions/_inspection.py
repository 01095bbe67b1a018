"""The QĐ 354 inspection shape shared by types A, B, C and D (domain.md §2.1, §2.4, §2.5).

Preparation (proposal, decision and plan), execution (launch, the subject's
written report, verification), closing (draft report, the UBKT meeting, the
notice of conclusions), then by outcome: close, follow-up, discipline, or a
proposed inspection on signs of violation (a linked case). The discipline
track has the hearing before any decision (QĐ 354 step 7 [S27]; QĐ 296 art.
12.1 [S4, item 33]) and, where available, the combined track (quy trình kép):
the subject admits and proposes a form, and discipline runs with the
inspection (QĐ 354 step 6 [S27, S24]).
"""

from __future__ import annotations

from dataclasses import dataclass

from workflows.calendar import Unit
from workflows.definitions._common import (
    CHAIR,
    COMMITTEE,
    FORM_CHOICES,
    PLAN_CITATION,
    STAFF,
    day,
    decision_fields,
    text,
)
from workflows.engine import (
    DeadlineRule,
    EventDef,
    FieldSpec,
    Guard,
    Phase,
    StateDef,
)
from workflows.guards import conclusion_recorded, form_fits_subject, outcome_in

ATTENDANCE = (("present", "Đối tượng có mặt"),
              ("absent_without_reason", "Vắng mặt nhiều lần không lý do: xem xét vắng mặt"))
HEARING_CITATION = "QĐ 354 bước 7 [S27]; QĐ 296 điều 12.1 [S4, mục 33] (domain.md §2.1, §2.8)"


@dataclass(frozen=True)
class Report:
    """The subject's written report: an explanation (type A) or a self-inspection report."""

    key: str
    state_label: str
    request_label: str
    receive_label: str
    deadline_label: str


EXPLANATION = Report("explanation", "Đối tượng chuẩn bị báo cáo giải trình",
                     "Yêu cầu đối tượng báo cáo giải trình", "Nhận báo cáo giải trình",
                     "Nộp báo cáo giải trình")
SELF_REPORT = Report("self_report", "Đối tượng chuẩn bị báo cáo tự kiểm tra",
                     "Yêu cầu đối tượng báo cáo tự kiểm tra", "Nhận báo cáo tự kiểm tra",
                     "Nộp báo cáo tự kiểm tra")


@dataclass(frozen=True)
class Shape:
    report: Report
    outcomes: tuple[tuple[str, str], ...]
    close_outcomes: tuple[str, ...]
    follow_up_outcomes: tuple[str, ...]
    discipline_outcomes: tuple[str, ...] = ()  # empty: no discipline track
    signs_outcomes: tuple[str, ...] = ()  # propose an inspection on signs of violation
    combined_track: bool = False
    decide_guards: tuple[Guard, ...] = ()
    decide_fields: tuple[FieldSpec, ...] = ()
    conclude_fields: tuple[FieldSpec, ...] = ()
    close_label: str = "Kết thúc: không vi phạm"


def _plan_rule(name: str, label: str, amount: int, due_field: str | None = None, *,
               can_pause: bool = False) -> DeadlineRule:
    """A plan's time marker; the team's own (report, verification) may be paused, as in v1."""
    return DeadlineRule(name, label, amount, Unit.WORKING_DAYS, PLAN_CITATION,
                        due_date_field=due_field, can_pause=can_pause)


def states(shape: Shape) -> tuple[StateDef, ...]:
    report = shape.report
    found = [
        StateDef("proposed", Phase.PLANNED, "Đề xuất kiểm tra"),
        StateDef("decided", Phase.PLANNED, "Đã có quyết định và kế hoạch kiểm tra", deadlines=(
            _plan_rule("launch", "Triển khai quyết định kiểm tra", 10, "launch_by"),)),
        StateDef("launched", Phase.UNDERWAY, "Đã triển khai quyết định"),
        StateDef("subject_reporting", Phase.UNDERWAY, report.state_label, deadlines=(
            _plan_rule(report.key, report.deadline_label, 10, f"{report.key}_due",
                       can_pause=True),)),
        StateDef("verifying", Phase.UNDERWAY, "Thẩm tra, xác minh", deadlines=(
            _plan_rule("verification", "Hoàn thành thẩm tra, xác minh", 30, can_pause=True),)),
        StateDef("draft_report", Phase.FINDINGS, "Dự thảo báo cáo kết quả kiểm tra", deadlines=(
            _plan_rule("report", "Trình dự thảo báo cáo lên UBKT", 10),)),
        StateDef("committee_review", Phase.FINDINGS, "UBKT họp xem xét, kết luận"),
        StateDef("concluded", Phase.FINDINGS, "Đã có thông báo kết luận"),
    ]
    if shape.combined_track:
        found.append(StateDef("combined_track", Phase.DISCIPLINE,
                              "Quy trình kép: đối tượng tự nhận vi phạm và hình thức kỷ luật"))
    if shape.discipline_outcomes:
        found += [
            StateDef("discipline", Phase.DISCIPLINE,
                     "Xem xét kỷ luật: đối tượng làm bản tự kiểm điểm"),
            StateDef("subject_heard", Phase.DISCIPLINE,
                     "Đã gặp đối tượng nghe ý kiến, nhận bản tự kiểm điểm"),
        ]
    found += [
        StateDef("follow_up", Phase.FOLLOW_UP, "Theo dõi thực hiện kết luận"),
        StateDef("closed", Phase.CLOSED, "Kết thúc, lưu hồ sơ"),
    ]
    if shape.signs_outcomes:
        found.append(StateDef("spawned_inspection", Phase.CLOSED,
                              "Đã đề nghị kiểm tra khi có dấu hiệu vi phạm (hồ sơ liên kết)"))
    found += [
        StateDef("cancelled", Phase.CLOSED, "Đã hủy"),
        StateDef("transferred", Phase.CLOSED, "Chuyển cấp có thẩm quyền"),
    ]
    return tuple(found)


def events(shape: Shape) -> tuple[EventDef, ...]:
    report = shape.report
    found = [
        EventDef("decide", ("proposed",), "decided", "Ban hành quyết định và kế hoạch kiểm tra",
                 COMMITTEE, guards=shape.decide_guards, fields=(
                     *decision_fields("Số quyết định kiểm tra"),
                     day("launch_by", "Hạn triển khai (theo kế hoạch)", required=False),
                     *shape.decide_fields)),
        EventDef("launch", ("decided",), "launched", "Triển khai quyết định với đối tượng", STAFF),
        EventDef(f"request_{report.key}", ("launched",), "subject_reporting",
                 report.request_label, STAFF, fields=(
                     day(f"{report.key}_due", f"Hạn {report.deadline_label.lower()}",
                         required=False),)),
        EventDef(f"receive_{report.key}", ("subject_reporting",), "verifying",
                 report.receive_label, STAFF),
        EventDef("draft_report", ("verifying",), "draft_report",
                 "Dự thảo báo cáo kết quả kiểm tra", STAFF),
        EventDef("submit_report", ("draft_report",), "committee_review", "Trình UBKT xem xét",
                 STAFF),
        EventDef("send_back", ("committee_review",), "verifying",
                 "Trả lại để thẩm tra, xác minh thêm", COMMITTEE, requires_note=True),
        EventDef("conclude", ("committee_review",), "concluded", "Kết luận kiểm tra", COMMITTEE,
                 fields=(FieldSpec("outcome", "choice", "Kết quả", choices=shape.outcomes),
                         text("conclusion", "Nội dung thông báo kết luận", long=True),
                         *shape.conclude_fields)),
        EventDef("close_no_violation", ("concluded",), "closed", shape.close_label, COMMITTEE,
                 guards=(outcome_in(*shape.close_outcomes),)),
        EventDef("start_follow_up", ("concluded",), "follow_up",
                 "Chuyển theo dõi thực hiện kết luận", COMMITTEE,
                 guards=(outcome_in(*shape.follow_up_outcomes),)),
    ]
    found += _discipline_events(shape)
    if shape.signs_outcomes:
        found.append(EventDef(
            "propose_inspection", ("concluded",), "spawned_inspection",
            "Đề nghị kiểm tra khi có dấu hiệu vi phạm", COMMITTEE,
            guards=(outcome_in(*shape.signs_outcomes),),
            fields=(text("content", "Nội dung đề nghị kiểm tra"),),
            spawns="inspection_violation"))
    found += [
        EventDef("close", ("follow_up",), "closed", "Kết thúc, lưu hồ sơ", COMMITTEE),
        EventDef("cancel", ("proposed", "decided", "launched", "subject_reporting", "verifying",
                            "draft_report", *(("combined_track",) if shape.combined_track else ())),
                 "cancelled", "Hủy cuộc kiểm tra", CHAIR, requires_note=True),
        EventDef("transfer", ("proposed", "decided", "launched", "subject_reporting", "verifying"),
                 "transferred", "Chuyển cấp có thẩm quyền", CHAIR, requires_note=True,
                 fields=(text("transferred_to", "Chuyển đến (cấp có thẩm quyền)"),)),
    ]
    return tuple(found)


def _discipline_events(shape: Shape) -> list[EventDef]:
    if not shape.discipline_outcomes:
        return []
    hearing_from = ("discipline", "combined_track") if shape.combined_track else ("discipline",)
    conclusion = text("conclusion", "Kết luận kiểm tra (quy trình kép)", required=False,
                      long=True)
    found = [
        EventDef("start_discipline", ("concluded",), "discipline", "Chuyển xem xét kỷ luật",
                 COMMITTEE, guards=(outcome_in(*shape.discipline_outcomes),)),
        EventDef("hear_subject", hearing_from, "subject_heard",
                 "Gặp đối tượng nghe ý kiến trước khi quyết định kỷ luật", COMMITTEE, fields=(
                     day("heard_on", "Ngày gặp đối tượng"),
                     FieldSpec("attendance", "choice", "Đối tượng", required=False,
                               choices=ATTENDANCE))),
        EventDef("decide_discipline", ("subject_heard",), "follow_up", "Quyết định kỷ luật",
                 COMMITTEE, guards=(form_fits_subject("form"), conclusion_recorded), fields=(
                     FieldSpec("form", "choice", "Hình thức kỷ luật", choices=FORM_CHOICES),
                     text("decision_number", "Số quyết định kỷ luật"), conclusion)),
        EventDef("propose_discipline", ("subject_heard",), "follow_up",
                 "Đề nghị cấp có thẩm quyền thi hành kỷ luật", COMMITTEE,
                 guards=(form_fits_subject("proposed_form"), conclusion_recorded), fields=(
                     FieldSpec("proposed_form", "choice", "Hình thức đề nghị",
                               choices=FORM_CHOICES),
                     text("proposed_to", "Cấp có thẩm quyền được đề nghị"), conclusion)),
        EventDef("no_discipline", ("subject_heard",), "follow_up",
                 "Không thi hành kỷ luật (không đủ số phiếu)", COMMITTEE,
                 guards=(conclusion_recorded,), fields=(conclusion,), requires_note=True),
    ]
    if shape.combined_track:
        found.insert(1, EventDef(
            "start_combined_track", ("verifying", "draft_report"), "combined_track",
            "Quy trình kép: đối tượng tự nhận vi phạm, tự nhận hình thức kỷ luật", COMMITTEE,
            guards=(form_fits_subject("proposed_form"),), fields=(
                text("admission", "Nội dung đối tượng tự nhận vi phạm"),
                FieldSpec("proposed_form", "choice", "Hình thức đối tượng tự nhận",
                          choices=FORM_CHOICES))))
    return found
