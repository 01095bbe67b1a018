"""Disciplinary complaint (giải quyết khiếu nại kỷ luật đảng), v1.

Type H (domain.md §2.7, §4; addendum rows 1a-1 … 1b-3, 1e-1). The subject is
the complainant (member or organisation). A screening records the dates and
the grounds; lateness is computed: one month from receiving the decision
(Điều lệ art. 39(7)), the rule set's ``complaint_window``. Inadmissible:
late; already being handled by a higher level or concluded at the highest
level; a criminal sentence of non-custodial reform or heavier; filed for
someone else; before receiving the decision or after refusing it; after a
membership transfer (QĐ 296 art. 23 per [S4, item 67]). Review follows the
Central UBKT model QĐ 1195-QĐ/UBKTTW [S26]; the ruling upholds, changes or
annuls the form [S54]; wrongful discipline is redressed (QĐ 117-QĐ/TW
[S40]). A complaint the body may not settle (its own UBKT's decision, a
heavier form beyond its authority) or a further appeal goes to the next
level: this case ends as ``escalated``. The disciplined person complies
while the complaint is pending (Điều lệ art. 39(9) [S14]).
"""

from __future__ import annotations

from workflows.calendar import Unit
from workflows.definitions._common import (
    COMMITTEE,
    FORM_CHOICES,
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
    GuardContext,
    GuardResult,
    Phase,
    StateDef,
    WorkflowDefinition,
)
from workflows.guards import OK, fact, form_fits_subject
from workflows.intake import COMPLAINT_GROUNDS, complaint_admissible, complaint_inadmissible
from workflows.text import msg

RULINGS = (
    ("uphold", "Giữ nguyên (chuẩn y) hình thức kỷ luật"),
    ("change", "Thay đổi hình thức kỷ luật"),
    ("annul", "Xóa bỏ quyết định kỷ luật"),
)
RESOLUTION = DeadlineRule(
    "resolution", "Thời hạn giải quyết khiếu nại kỷ luật", 90, Unit.WORKING_DAYS,
    "QĐ 30: tối đa 90 ngày làm việc ở cấp tỉnh trở xuống (Trung ương 180) kể từ ngày nhận "
    "đơn; quá hạn phải báo người khiếu nại [S16, S17] (domain.md §4; phụ lục dòng 1b-1); "
    "QĐ 22, QĐ 296: chưa xác nhận (dòng 1b-2)",
    is_confirmed=False,
)
_new_form_fits = form_fits_subject("new_form")


def ruling_consistent(ctx: GuardContext) -> GuardResult:
    """A change names a new form that differs and fits the subject; uphold and annul name none."""
    ruling, new_form = ctx.event_data.get("ruling"), ctx.event_data.get("new_form")
    if ruling != "change":
        if new_form:
            return False, msg("Chỉ ghi hình thức mới khi thay đổi hình thức kỷ luật")
        return OK
    if not new_form:
        return False, msg("Thay đổi hình thức kỷ luật: cần ghi hình thức mới")
    if new_form == fact(ctx, "complained_form"):
        return False, msg("Hình thức mới trùng hình thức đã kỷ luật: chọn giữ nguyên")
    return _new_form_fits(ctx)


STATES = (
    StateDef("received", Phase.PLANNED, "Tiếp nhận đơn khiếu nại kỷ luật"),
    StateDef("screened", Phase.PLANNED, "Đã xem xét điều kiện thụ lý"),
    StateDef("reviewing", Phase.UNDERWAY,
             "Thẩm tra: làm việc với người khiếu nại, tổ chức đã kỷ luật, chi bộ",
             deadlines=(RESOLUTION,)),
    StateDef("committee_review", Phase.FINDINGS, "Báo cáo, cấp có thẩm quyền xem xét"),
    StateDef("ruled", Phase.FINDINGS, "Đã có quyết định giải quyết khiếu nại"),
    StateDef("follow_up", Phase.FOLLOW_UP,
             "Đã thông báo; theo dõi thực hiện, khôi phục quyền lợi nếu có (QĐ 117-QĐ/TW)"),
    StateDef("closed", Phase.CLOSED, "Kết thúc, lưu hồ sơ"),
    StateDef("not_accepted", Phase.CLOSED, "Không thụ lý"),
    StateDef("escalated", Phase.CLOSED, "Chuyển cấp trên có thẩm quyền"),
    StateDef("withdrawn", Phase.CLOSED, "Người khiếu nại rút đơn"),
)

EVENTS = (
    EventDef("screen", ("received",), "screened", "Xem xét điều kiện thụ lý", STAFF, fields=(
        day("decision_received_on", "Ngày nhận quyết định kỷ luật"),
        day("filed_on", "Ngày gửi đơn (theo dấu bưu điện hoặc ngày nhận trực tiếp)"),
        FieldSpec("complained_form", "choice", "Hình thức bị khiếu nại", choices=FORM_CHOICES),
        *(flag(g.key, g.label_vi) for g in COMPLAINT_GROUNDS),
    )),
    EventDef("reject", ("screened",), "not_accepted", "Không thụ lý, trả lời người khiếu nại",
             COMMITTEE, guards=(complaint_inadmissible,)),
    EventDef("accept", ("screened",), "reviewing", "Thụ lý; thành lập tổ/đoàn giải quyết",
             COMMITTEE, guards=(complaint_admissible,),
             fields=decision_fields("Số quyết định thành lập tổ/đoàn")),
    EventDef("report", ("reviewing",), "committee_review", "Báo cáo kết quả thẩm tra, xác minh",
             STAFF),
    EventDef("send_back", ("committee_review",), "reviewing", "Thẩm tra, xác minh thêm",
             COMMITTEE, requires_note=True),
    EventDef("rule", ("committee_review",), "ruled", "Quyết định giải quyết khiếu nại",
             COMMITTEE, guards=(ruling_consistent,), fields=(
                 FieldSpec("ruling", "choice", "Kết quả giải quyết", choices=RULINGS),
                 FieldSpec("new_form", "choice", "Hình thức mới (khi thay đổi)", required=False,
                           choices=FORM_CHOICES),
                 text("decision_number", "Số quyết định giải quyết khiếu nại"))),
    EventDef("announce_ruling", ("ruled",), "follow_up", "Thông báo quyết định giải quyết",
             STAFF, fields=(day("announced_on", "Ngày thông báo"),)),
    EventDef("close", ("follow_up",), "closed", "Kết thúc, lưu hồ sơ", COMMITTEE),
    EventDef("escalate", ("screened", "committee_review", "ruled", "follow_up"), "escalated",
             "Chuyển cấp trên (vượt thẩm quyền, hoặc người khiếu nại khiếu nại tiếp)", COMMITTEE,
             requires_note=True, fields=(text("escalated_to", "Cấp được chuyển đến"),)),
    EventDef("withdraw", ("screened", "reviewing"), "withdrawn", "Người khiếu nại rút đơn",
             COMMITTEE, requires_note=True),
)

DEFINITION = WorkflowDefinition(
    name="discipline_complaint",
    version=1,
    kind="discipline_complaint",
    title="Giải quyết khiếu nại kỷ luật đảng",
    initial="received",
    states=STATES,
    events=EVENTS,
    citation="Điều lệ Đảng điều 39(7), (9) [S14]; QĐ 22 điều 22 [S18]; QĐ 296 điều 23, 25 "
             "[S4, mục 31, 67]; QĐ 1195-QĐ/UBKTTW [S26] (domain.md §2.7, §4)",
    in_force_from=QD22_FROM,
)
