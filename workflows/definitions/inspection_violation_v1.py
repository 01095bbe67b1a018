"""Inspection on signs of violation (kiểm tra khi có dấu hiệu vi phạm), v1.

QĐ 354-QĐ/UBKTTW (2021) procedure, domain.md §2.1: proposal and decision,
launch with the subject, the subject's written explanation, verification,
draft result report, committee meeting, conclusion, then discipline when the
conclusion warrants it, follow-up and closing. Branches: no violation closes
the case; the committee may send the report back for more verification; the
case may be cancelled or transferred to the competent level.
"""

from __future__ import annotations

from workflows.calendar import Unit
from workflows.engine import (
    DeadlineRule,
    EventDef,
    FieldSpec,
    Phase,
    Role,
    StateDef,
    WorkflowDefinition,
)
from workflows.guards import FORM_LABELS_VI, discipline_form_fits_subject, outcome_in

STAFF = frozenset({Role.INSPECTOR, Role.MEMBER, Role.CHAIR})
COMMITTEE = frozenset({Role.MEMBER, Role.CHAIR})
CHAIR = frozenset({Role.CHAIR})

OUTCOMES = (
    ("no_violation", "Không vi phạm"),
    ("shortcomings", "Có khuyết điểm, rút kinh nghiệm"),
    ("violation_no_discipline", "Vi phạm chưa đến mức kỷ luật: kiểm điểm, khắc phục"),
    ("discipline_warranted", "Vi phạm đến mức phải xem xét kỷ luật"),
    ("referred", "Chuyển cơ quan nhà nước có thẩm quyền"),
)

# The team's own time markers may be paused by the committee (e.g. the
# pre-congress freeze, domain.md §2.6 and §9.5, or the subject's illness);
# the launch and the report to the committee may not.
PLAN_CITATION = (
    "QĐ 354-QĐ/UBKTTW: mốc thời gian do kế hoạch kiểm tra ấn định cho từng cuộc; "
    "giá trị mặc định, chưa có căn cứ thời hạn luật định (domain.md §4)"
)

STATES = (
    StateDef("proposed", Phase.PLANNED, "Đề xuất kiểm tra"),
    StateDef(
        "decided",
        Phase.PLANNED,
        "Đã có quyết định và kế hoạch kiểm tra",
        deadlines=(
            DeadlineRule(
                "launch", "Triển khai quyết định kiểm tra", 10, Unit.WORKING_DAYS, PLAN_CITATION,
                due_date_field="launch_by",
            ),
        ),
    ),
    StateDef("launched", Phase.UNDERWAY, "Đã triển khai quyết định"),
    StateDef(
        "subject_reporting",
        Phase.UNDERWAY,
        "Đối tượng chuẩn bị báo cáo giải trình",
        deadlines=(
            DeadlineRule(
                "explanation", "Nộp báo cáo giải trình", 10, Unit.WORKING_DAYS, PLAN_CITATION,
                due_date_field="explanation_due", can_pause=True,
            ),
        ),
    ),
    StateDef(
        "verifying",
        Phase.UNDERWAY,
        "Thẩm tra, xác minh",
        deadlines=(
            DeadlineRule(
                "verification", "Hoàn thành thẩm tra, xác minh", 30, Unit.WORKING_DAYS,
                PLAN_CITATION, can_pause=True,
            ),
        ),
    ),
    StateDef(
        "draft_report",
        Phase.FINDINGS,
        "Dự thảo báo cáo kết quả kiểm tra",
        deadlines=(
            DeadlineRule(
                "report", "Trình dự thảo báo cáo lên UBKT", 10, Unit.WORKING_DAYS, PLAN_CITATION
            ),
        ),
    ),
    StateDef("committee_review", Phase.FINDINGS, "UBKT họp xem xét, kết luận"),
    StateDef("concluded", Phase.FINDINGS, "Đã có thông báo kết luận"),
    StateDef("discipline", Phase.DISCIPLINE, "Xem xét, thi hành kỷ luật"),
    StateDef("follow_up", Phase.FOLLOW_UP, "Theo dõi thực hiện kết luận"),
    StateDef("closed", Phase.CLOSED, "Kết thúc, lưu hồ sơ"),
    StateDef("cancelled", Phase.CLOSED, "Đã hủy"),
    StateDef("transferred", Phase.CLOSED, "Chuyển cấp có thẩm quyền"),
)

EVENTS = (
    EventDef(
        "decide", ("proposed",), "decided", "Ban hành quyết định và kế hoạch kiểm tra", COMMITTEE,
        fields=(
            FieldSpec("decision_number", "text", "Số quyết định kiểm tra", max_length=100),
            FieldSpec("decision_date", "date", "Ngày quyết định"),
            FieldSpec("launch_by", "date", "Hạn triển khai (theo kế hoạch)", required=False),
        ),
    ),
    EventDef("launch", ("decided",), "launched", "Triển khai quyết định với đối tượng", STAFF),
    EventDef(
        "request_explanation", ("launched",), "subject_reporting",
        "Yêu cầu đối tượng báo cáo giải trình", STAFF,
        fields=(
            FieldSpec("explanation_due", "date", "Hạn nộp báo cáo giải trình", required=False),
        ),
    ),
    EventDef(
        "receive_explanation", ("subject_reporting",), "verifying",
        "Nhận báo cáo giải trình", STAFF,
    ),
    EventDef(
        "draft_report", ("verifying",), "draft_report", "Dự thảo báo cáo kết quả kiểm tra", STAFF,
    ),
    EventDef(
        "submit_report", ("draft_report",), "committee_review",
        "Trình UBKT xem xét", STAFF,
    ),
    EventDef(
        "send_back", ("committee_review",), "verifying",
        "Trả lại để thẩm tra, xác minh thêm", COMMITTEE, requires_note=True,
    ),
    EventDef(
        "conclude", ("committee_review",), "concluded", "Kết luận kiểm tra", COMMITTEE,
        fields=(
            FieldSpec("outcome", "choice", "Kết quả", choices=OUTCOMES),
            FieldSpec("conclusion", "text", "Nội dung thông báo kết luận", max_length=20000),
        ),
    ),
    EventDef(
        "close_no_violation", ("concluded",), "closed", "Kết thúc: không vi phạm", COMMITTEE,
        guards=(outcome_in("no_violation"),),
    ),
    EventDef(
        "start_discipline", ("concluded",), "discipline", "Chuyển xem xét kỷ luật", COMMITTEE,
        guards=(outcome_in("discipline_warranted"),),
    ),
    EventDef(
        "start_follow_up", ("concluded",), "follow_up", "Chuyển theo dõi thực hiện kết luận",
        COMMITTEE,
        guards=(outcome_in("shortcomings", "violation_no_discipline", "referred"),),
    ),
    EventDef(
        "decide_discipline", ("discipline",), "follow_up", "Quyết định kỷ luật", COMMITTEE,
        guards=(discipline_form_fits_subject,),
        fields=(
            FieldSpec(
                "form", "choice", "Hình thức kỷ luật", choices=tuple(FORM_LABELS_VI.items())
            ),
            FieldSpec("decision_number", "text", "Số quyết định kỷ luật", max_length=100),
        ),
    ),
    EventDef(
        "close", ("follow_up",), "closed", "Kết thúc, lưu hồ sơ", COMMITTEE,
    ),
    EventDef(
        "cancel",
        ("proposed", "decided", "launched", "subject_reporting", "verifying", "draft_report"),
        "cancelled", "Hủy cuộc kiểm tra", CHAIR, requires_note=True,
    ),
    EventDef(
        "transfer",
        ("proposed", "decided", "launched", "subject_reporting", "verifying"),
        "transferred", "Chuyển cấp có thẩm quyền", CHAIR, requires_note=True,
        fields=(FieldSpec("transferred_to", "text", "Chuyển đến (cấp có thẩm quyền)"),),
    ),
)

DEFINITION = WorkflowDefinition(
    name="inspection_violation",
    version=1,
    kind="inspection_violation",
    title="Kiểm tra khi có dấu hiệu vi phạm",
    initial="proposed",
    states=STATES,
    events=EVENTS,
    citation="Điều lệ Đảng điều 32; QĐ 22-QĐ/TW; QĐ 354-QĐ/UBKTTW (domain.md §2.1)",
)
