"""Denunciation (giải quyết tố cáo), v1: the QĐ 22 era (28/7/2021 – 29/5/2025).

Domain.md §2.6, §4, §5 and addendum rows 1c-1 … 1d-2. Intake: a screening
records the facts (date the competent body received the letter [S22], the
level that manages the accused, the not-handled grounds, a coming congress);
guards then allow exactly the branches those facts support: not handled
(anonymous, false name, no address, a repeat with no new evidence, too
vague, collective), forwarded to the competent level (by who manages the
accused, QĐ 22 art. 19–21 [S51]), frozen before a congress (HD 07-HD/UBKTTW
[S22]), or accepted. Resolution: the team's work and verification (QĐ 164
model [S23, S24]) under the resolution time limit with one extension; a
conclusion (correct, partly correct, incorrect — categories unconfirmed);
discipline opened as a linked case; the result sent to the denouncer.
v2 (QĐ 296) adds keeping anonymous letters with specific content as
information (``build`` is shared).
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType

from workflows.calendar import Unit
from workflows.definitions._common import (
    COMMITTEE,
    LEVEL_CHOICES,
    QD22_FROM,
    STAFF,
    day,
    decision_fields,
    flag,
    text,
)
from workflows.engine import (
    DeadlineRule,
    EventDef,
    FieldSpec,
    Phase,
    StateDef,
    WorkflowDefinition,
)
from workflows.guards import outcome_in
from workflows.intake import (
    CONGRESS_LEVEL_LABELS_VI,
    DENUNCIATION_GROUNDS,
    competent_for_accused,
    congress_held,
    denunciation_handled,
    denunciation_not_handled,
    extension_within,
    in_congress_freeze,
    kept_as_information,
    not_competent_for_accused,
    not_in_congress_freeze,
    withdrawal_not_coerced,
)

OUTCOMES = (
    ("correct", "Tố cáo đúng"),
    ("partly_correct", "Tố cáo đúng một phần"),
    ("incorrect", "Tố cáo sai"),
)
RESOLUTION = DeadlineRule(
    "resolution", "Thời hạn giải quyết tố cáo", 90, Unit.CALENDAR_DAYS,
    "QĐ 22 điều 20: tối đa 90 ngày ở cấp tỉnh, huyện và tương đương trở xuống (Trung ương 180), "
    "tính từ ngày tổ chức đảng có thẩm quyền nhận đơn [S22] (domain.md phụ lục dòng 1c-1, "
    "1c-2); thời QĐ 30: 90 ngày làm việc [S20, S21] (§4)",
    is_confirmed=True, can_pause=True,
    by_rule_set=MappingProxyType({"qd30": (90, Unit.WORKING_DAYS)}),
)
EXTENSION_CITATION = (
    "Gia hạn một lần, không quá 30 ngày, có thông báo — hướng dẫn thời QĐ 30 [S20, S21] "
    "(domain.md §4); QĐ 22, QĐ 296: chưa xác nhận (phụ lục dòng 1c-4)"
)

EXTENSION = DeadlineRule("resolution_extended", "Thời hạn giải quyết tố cáo (đã gia hạn)", 30,
                         Unit.CALENDAR_DAYS, EXTENSION_CITATION, can_pause=True,
                         due_date_field="extended_until")


def _states(resolution: DeadlineRule, information: bool) -> tuple[StateDef, ...]:
    found = [
        StateDef("received", Phase.PLANNED, "Tiếp nhận đơn tố cáo"),
        StateDef("screened", Phase.PLANNED, "Đã phân loại đơn, xem xét điều kiện giải quyết"),
        StateDef("frozen", Phase.PLANNED, "Chưa giải quyết: đơn nhận trước đại hội"),
        StateDef("resolving", Phase.UNDERWAY,
                 "Giải quyết: đoàn/tổ triển khai, người bị tố cáo giải trình, thẩm tra, xác minh",
                 deadlines=(resolution,)),
        StateDef("resolving_extended", Phase.UNDERWAY, "Giải quyết (đã gia hạn)",
                 deadlines=(EXTENSION,)),
        StateDef("concluded", Phase.FINDINGS, "Đã có thông báo kết luận giải quyết tố cáo"),
        StateDef("discipline_referred", Phase.DISCIPLINE,
                 "Đã chuyển xem xét kỷ luật (hồ sơ kỷ luật liên kết)"),
        StateDef("result_sent", Phase.FOLLOW_UP, "Đã thông báo kết quả cho người tố cáo"),
        StateDef("closed", Phase.CLOSED, "Kết thúc, lưu hồ sơ"),
        StateDef("not_handled", Phase.CLOSED, "Không giải quyết, lưu đơn"),
        StateDef("forwarded", Phase.CLOSED, "Chuyển cấp có thẩm quyền giải quyết"),
        StateDef("withdrawn", Phase.CLOSED, "Người tố cáo rút đơn: đình chỉ giải quyết"),
    ]
    if information:
        found += [
            StateDef("kept_as_information", Phase.FOLLOW_UP,
                     "Lưu làm thông tin phục vụ kiểm tra (đơn giấu tên có nội dung cụ thể)"),
            StateDef("grounded_inspection", Phase.CLOSED,
                     "Đã đề nghị kiểm tra khi có dấu hiệu vi phạm (hồ sơ liên kết)"),
            StateDef("filed", Phase.CLOSED, "Lưu thông tin"),
        ]
    return tuple(found)


def _screen_fields(rule_set: str) -> tuple[FieldSpec, ...]:
    grounds = tuple(flag(g.key, g.label_vi) for g in DENUNCIATION_GROUNDS[rule_set])
    return (
        day("received_on", "Ngày cấp có thẩm quyền nhận đơn"),
        FieldSpec("managed_by_level", "choice", "Người bị tố cáo thuộc diện cấp nào quản lý",
                  choices=LEVEL_CHOICES),
        *grounds,
        flag("specific_content", "Nội dung, địa chỉ cụ thể, có cơ sở xác minh"),
        day("congress_on", "Ngày khai mạc đại hội sắp tới (nếu đơn liên quan đại hội)",
            required=False),
        FieldSpec("congress_level", "choice", "Cấp đại hội", required=False,
                  choices=tuple(CONGRESS_LEVEL_LABELS_VI.items())),
    )


def _events(rule_set: str, resolution: DeadlineRule, information: bool,
            outcomes: tuple[tuple[str, str], ...]) -> tuple[EventDef, ...]:
    handled = denunciation_handled(rule_set)
    resolving = ("resolving", "resolving_extended")
    found = [
        EventDef("screen", ("received",), "screened", "Phân loại đơn", STAFF,
                 fields=_screen_fields(rule_set)),
        EventDef("reject", ("screened",), "not_handled", "Không giải quyết (lưu đơn)", COMMITTEE,
                 guards=(denunciation_not_handled(rule_set),)),
        EventDef("forward", ("screened",), "forwarded", "Chuyển cấp có thẩm quyền", COMMITTEE,
                 guards=(handled, not_competent_for_accused),
                 fields=(text("forwarded_to", "Chuyển đến"),)),
        EventDef("freeze", ("screened",), "frozen",
                 "Chưa giải quyết: báo cáo, chuyển cấp ủy khóa mới", COMMITTEE,
                 guards=(handled, competent_for_accused, in_congress_freeze)),
        EventDef("resume_after_congress", ("frozen",), "screened",
                 "Cấp ủy khóa mới tiếp nhận sau đại hội", COMMITTEE, guards=(congress_held,)),
        EventDef("accept", ("screened",), "resolving",
                 "Thụ lý; quyết định thành lập đoàn/tổ giải quyết tố cáo", COMMITTEE,
                 guards=(handled, competent_for_accused, not_in_congress_freeze),
                 fields=decision_fields("Số quyết định thành lập đoàn/tổ")),
        EventDef("extend_resolution", ("resolving",), "resolving_extended",
                 "Gia hạn giải quyết (thông báo người tố cáo)", COMMITTEE, requires_note=True,
                 guards=(extension_within(resolution, 30, Unit.CALENDAR_DAYS),),
                 fields=(day("extended_until", "Gia hạn đến ngày"),)),
        EventDef("withdraw", resolving, "withdrawn", "Người tố cáo rút đơn", COMMITTEE,
                 requires_note=True, guards=(withdrawal_not_coerced,),
                 fields=(flag("coerced", "Rút đơn do bị ép buộc"),)),
        EventDef("conclude", resolving, "concluded", "Kết luận giải quyết tố cáo", COMMITTEE,
                 fields=(FieldSpec("outcome", "choice", "Kết luận", choices=outcomes),
                         text("conclusion", "Nội dung thông báo kết luận", long=True),
                         day("meeting_on", "Ngày họp kết luận", required=False))),
        EventDef("refer_discipline", ("concluded",), "discipline_referred",
                 "Chuyển xem xét kỷ luật người bị tố cáo", COMMITTEE,
                 guards=(outcome_in("correct", "partly_correct"),), spawns="discipline"),
        EventDef("notify_denouncer", ("concluded", "discipline_referred"), "result_sent",
                 "Thông báo kết quả cho người tố cáo", STAFF,
                 fields=(day("notified_on", "Ngày thông báo"),)),
        EventDef("close", ("result_sent",), "closed", "Kết thúc, lưu hồ sơ", COMMITTEE),
    ]
    if information:
        found[2:2] = [EventDef("keep_as_information", ("screened",), "kept_as_information",
                               "Lưu làm thông tin (đơn giấu tên, mạo tên có nội dung cụ thể)",
                               COMMITTEE, guards=(kept_as_information,))]
        found += [
            EventDef("propose_inspection", ("kept_as_information",), "grounded_inspection",
                     "Đề nghị kiểm tra khi có dấu hiệu vi phạm", COMMITTEE,
                     fields=(text("content", "Nội dung đề nghị kiểm tra"),),
                     spawns="inspection_violation"),
            EventDef("file_information", ("kept_as_information",), "filed", "Lưu thông tin",
                     COMMITTEE),
        ]
    return tuple(found)


def build(version: int, rule_set: str, in_force_from: date, resolution: DeadlineRule, *,
          information: bool, outcomes: tuple[tuple[str, str], ...], citation: str,
          ) -> WorkflowDefinition:
    return WorkflowDefinition(
        name="denunciation", version=version, kind="denunciation",
        title="Giải quyết tố cáo", initial="received",
        states=_states(resolution, information),
        events=_events(rule_set, resolution, information, outcomes),
        citation=citation, in_force_from=in_force_from, rule_set=rule_set,
    )


DEFINITION = build(
    1, "qd22", QD22_FROM, RESOLUTION, information=False, outcomes=OUTCOMES,
    citation="QĐ 22-QĐ/TW điều 19–21 [S51]; QĐ 164-QĐ/TW [S23, S24]; HD 07-HD/UBKTTW [S22] "
             "(domain.md §2.6, §4, §5)",
)
