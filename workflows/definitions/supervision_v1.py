"""Supervision, thematic or regular (giám sát chuyên đề / thường xuyên), v1.

Type E, following the Bình Thuận "Quy trình 02b" for thematic supervision by
a UBKT (domain.md §2.3 [S29]): from the annual programme, a supervision
decision, plan and reporting outline; the subject's report and explanations;
a working meeting hosted by the supervised organisation; the result report
to the UBKT; a notice of results with recommendations. If signs of violation
appear, the UBKT proposes an inspection on signs of violation: the
``propose_inspection`` event opens a linked type A case. Who supervises
(cells mostly regularly; thematic when large) follows HD 08-HD/TW [S4, item
59]; the form of the results notice is unconfirmed.
"""

from __future__ import annotations

from workflows.calendar import Unit
from workflows.definitions._common import (
    CHAIR,
    COMMITTEE,
    PLAN_CITATION,
    QD22_FROM,
    STAFF,
    day,
    decision_fields,
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

KINDS = (("thematic", "Giám sát chuyên đề"), ("regular", "Giám sát thường xuyên"))
METHODS = (("direct", "Trực tiếp"), ("indirect", "Gián tiếp"))
OUTCOMES = (
    ("good", "Thực hiện tốt, không có kiến nghị"),
    ("recommendations", "Có hạn chế: thông báo kết quả kèm kiến nghị"),
    ("signs_of_violation", "Phát hiện dấu hiệu vi phạm: đề nghị kiểm tra"),
)

STATES = (
    StateDef("proposed", Phase.PLANNED, "Dự kiến giám sát (chương trình năm)"),
    StateDef("decided", Phase.PLANNED, "Đã có quyết định, kế hoạch, đề cương giám sát"),
    StateDef("subject_reporting", Phase.UNDERWAY, "Đối tượng chuẩn bị báo cáo", deadlines=(
        DeadlineRule("report", "Đối tượng gửi báo cáo", 10, Unit.WORKING_DAYS, PLAN_CITATION,
                     due_date_field="report_due"),)),
    StateDef("reviewing", Phase.UNDERWAY, "Nghiên cứu báo cáo, yêu cầu giải trình"),
    StateDef("meeting", Phase.UNDERWAY, "Làm việc với đối tượng, thảo luận dự thảo báo cáo"),
    StateDef("draft_report", Phase.FINDINGS, "Hoàn chỉnh báo cáo kết quả giám sát", deadlines=(
        DeadlineRule("result_report", "Báo cáo UBKT kết quả giám sát", 10, Unit.WORKING_DAYS,
                     PLAN_CITATION),)),
    StateDef("committee_review", Phase.FINDINGS, "UBKT xem xét báo cáo kết quả giám sát"),
    StateDef("concluded", Phase.FINDINGS, "Đã có thông báo kết quả giám sát"),
    StateDef("follow_up", Phase.FOLLOW_UP, "Theo dõi thực hiện kiến nghị"),
    StateDef("closed", Phase.CLOSED, "Kết thúc, lưu hồ sơ"),
    StateDef("spawned_inspection", Phase.CLOSED,
             "Đã đề nghị kiểm tra khi có dấu hiệu vi phạm (hồ sơ liên kết)"),
    StateDef("cancelled", Phase.CLOSED, "Đã hủy"),
)

EVENTS = (
    EventDef("decide", ("proposed",), "decided", "Ban hành quyết định, kế hoạch giám sát",
             COMMITTEE, fields=(
                 *decision_fields("Số quyết định giám sát"),
                 FieldSpec("supervision_kind", "choice", "Loại giám sát", choices=KINDS),
                 FieldSpec("method", "choice", "Phương thức", required=False, choices=METHODS))),
    EventDef("request_report", ("decided",), "subject_reporting",
             "Triển khai, yêu cầu đối tượng báo cáo", STAFF,
             fields=(day("report_due", "Hạn gửi báo cáo", required=False),)),
    EventDef("receive_report", ("subject_reporting",), "reviewing", "Nhận báo cáo của đối tượng",
             STAFF),
    EventDef("hold_meeting", ("reviewing",), "meeting", "Làm việc với đối tượng", STAFF,
             fields=(day("meeting_on", "Ngày làm việc"),)),
    EventDef("draft_report", ("meeting",), "draft_report", "Hoàn chỉnh báo cáo kết quả giám sát",
             STAFF),
    EventDef("submit_report", ("draft_report",), "committee_review", "Báo cáo UBKT", STAFF),
    EventDef("send_back", ("committee_review",), "reviewing", "Trả lại để làm rõ thêm",
             COMMITTEE, requires_note=True),
    EventDef("conclude", ("committee_review",), "concluded", "Thông báo kết quả giám sát",
             COMMITTEE, fields=(
                 FieldSpec("outcome", "choice", "Kết quả", choices=OUTCOMES),
                 text("conclusion", "Nội dung thông báo kết quả giám sát", long=True))),
    EventDef("close_no_issue", ("concluded",), "closed", "Kết thúc: không có kiến nghị",
             COMMITTEE, guards=(outcome_in("good"),)),
    EventDef("start_follow_up", ("concluded",), "follow_up", "Theo dõi thực hiện kiến nghị",
             COMMITTEE, guards=(outcome_in("recommendations"),)),
    EventDef("propose_inspection", ("concluded",), "spawned_inspection",
             "Đề nghị kiểm tra khi có dấu hiệu vi phạm", COMMITTEE,
             guards=(outcome_in("signs_of_violation"),),
             fields=(text("content", "Nội dung đề nghị kiểm tra"),),
             spawns="inspection_violation"),
    EventDef("close", ("follow_up",), "closed", "Kết thúc, lưu hồ sơ", COMMITTEE),
    EventDef("cancel", ("proposed", "decided", "subject_reporting", "reviewing", "meeting"),
             "cancelled", "Hủy cuộc giám sát", CHAIR, requires_note=True),
)

DEFINITION = WorkflowDefinition(
    name="supervision",
    version=1,
    kind="supervision",
    title="Giám sát chuyên đề, thường xuyên",
    initial="proposed",
    states=STATES,
    events=EVENTS,
    citation="Quy trình 02b (Bình Thuận) [S29]; HD 08-HD/TW [S4, mục 59]; QĐ 30 điều 30 [S47] "
             "(domain.md §1.2 loại E, §2.3)",
    in_force_from=QD22_FROM,
)
