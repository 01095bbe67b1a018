"""Inspection of lower levels' inspection, supervision and discipline work, v1.

Type B (kiểm tra thực hiện nhiệm vụ kiểm tra, giám sát, thi hành kỷ luật):
from the annual programme, the UBKT inspects lower bodies that can
discipline or resolve complaints — mainly the directly lower committee,
standing committee and UBKT [S35] (domain.md §1.2, §6). The procedure has
the QĐ 354 shape with a self-inspection report (báo cáo tự kiểm tra, as in
§2.2); signs of violation found lead to a proposed type A inspection, opened
as a linked case. The step-by-step procedure for type B is unconfirmed.
"""

from __future__ import annotations

from workflows.definitions._common import QD22_FROM
from workflows.definitions._inspection import SELF_REPORT, Shape, events, states
from workflows.engine import SubjectKind, WorkflowDefinition
from workflows.guards import subject_is_lower_organisation

OUTCOMES = (
    ("good", "Thực hiện tốt, không có khuyết điểm"),
    ("shortcomings", "Có hạn chế, khuyết điểm: kiến nghị, rút kinh nghiệm"),
    ("signs_of_violation", "Có dấu hiệu vi phạm: đề nghị kiểm tra"),
)

SHAPE = Shape(
    report=SELF_REPORT,
    outcomes=OUTCOMES,
    close_outcomes=("good",),
    follow_up_outcomes=("shortcomings",),
    signs_outcomes=("signs_of_violation",),
    decide_guards=(subject_is_lower_organisation,),
    close_label="Kết thúc: thực hiện tốt",
)

DEFINITION = WorkflowDefinition(
    name="inspection_lower_work",
    version=1,
    kind="inspection_lower_work",
    title="Kiểm tra thực hiện nhiệm vụ kiểm tra, giám sát, thi hành kỷ luật",
    initial="proposed",
    states=states(SHAPE),
    events=events(SHAPE),
    subjects=SubjectKind(member=False, organisation=True),
    citation="Điều lệ Đảng điều 32 (thời QĐ 30) [S35]; QĐ 22, QĐ 296 (domain.md §1.2 loại B, "
             "§6); trình tự từng bước: chưa xác nhận",
    in_force_from=QD22_FROM,
)
