"""Financial inspection (kiểm tra tài chính đảng), v1.

Type C (domain.md §2.4 [S27, S33, S34]): the QĐ 354 shape with the subject's
self-inspection report instead of an explanation, and the combined
discipline track. Objects are lower committees and the same-level
committee's finance office; the UBKT may not inspect its own committee's
finances (Điều lệ art. 32 cl. 6 [S33]) — the ``decide`` guard refuses a case
whose subject is the owning organisation itself. A conclusion may record the
money recommended for recovery (§7).
"""

from __future__ import annotations

from workflows.definitions._common import QD22_FROM
from workflows.definitions._inspection import SELF_REPORT, Shape, events, states
from workflows.engine import FieldSpec, SubjectKind, WorkflowDefinition
from workflows.guards import not_own_committee_finances

OUTCOMES = (
    ("no_violation", "Chấp hành đúng quy định tài chính"),
    ("shortcomings", "Có thiếu sót, rút kinh nghiệm"),
    ("violation_no_discipline", "Vi phạm chưa đến mức kỷ luật: khắc phục, thu hồi"),
    ("discipline_warranted", "Vi phạm đến mức phải xem xét kỷ luật"),
    ("referred", "Chuyển cơ quan nhà nước có thẩm quyền"),
)

SHAPE = Shape(
    report=SELF_REPORT,
    outcomes=OUTCOMES,
    close_outcomes=("no_violation",),
    follow_up_outcomes=("shortcomings", "violation_no_discipline", "referred"),
    discipline_outcomes=("discipline_warranted",),
    combined_track=True,
    decide_guards=(not_own_committee_finances,),
    conclude_fields=(FieldSpec("amount_to_recover", "integer", "Số tiền kiến nghị thu hồi (đồng)",
                               required=False),),
    close_label="Kết thúc: chấp hành đúng quy định",
)

DEFINITION = WorkflowDefinition(
    name="financial_inspection",
    version=1,
    kind="financial_inspection",
    title="Kiểm tra tài chính đảng",
    initial="proposed",
    states=states(SHAPE),
    events=events(SHAPE),
    subjects=SubjectKind(member=False, organisation=True),
    citation="Điều lệ Đảng điều 32 khoản 6 [S33]; QĐ 354-QĐ/UBKTTW [S27]; nội dung kiểm tra "
             "cấp xã [S34] (domain.md §2.4)",
    in_force_from=QD22_FROM,
)
