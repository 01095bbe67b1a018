"""Inspection on signs of violation (kiểm tra khi có dấu hiệu vi phạm), v2.

Type A, of a member or a lower organisation: the QĐ 354-QĐ/UBKTTW procedure
(domain.md §2.1 [S27, S28]) as in v1, plus the hearing before any discipline
decision (QĐ 354 step 7; QĐ 296 art. 12.1 [S4, item 33]), the combined
discipline track (quy trình kép: the subject admits and proposes a form, and
the discipline proceeds with the inspection; QĐ 354 step 6 [S27, S24]) and
the "propose to the competent level" and "no form adopted" outcomes. The
procedure is the same under QĐ 22 and QĐ 296; discipline rules are looked
up by date (``workflows.discipline.rule_set_on``). v1 stays registered for
the cases that started under it.
"""

from __future__ import annotations

from workflows.definitions._common import QD22_FROM
from workflows.definitions._inspection import EXPLANATION, Shape, events, states
from workflows.engine import WorkflowDefinition

OUTCOMES = (
    ("no_violation", "Không vi phạm"),
    ("shortcomings", "Có khuyết điểm, rút kinh nghiệm"),
    ("violation_no_discipline", "Vi phạm chưa đến mức kỷ luật: kiểm điểm, khắc phục"),
    ("discipline_warranted", "Vi phạm đến mức phải xem xét kỷ luật"),
    ("referred", "Chuyển cơ quan nhà nước có thẩm quyền"),
)

SHAPE = Shape(
    report=EXPLANATION,
    outcomes=OUTCOMES,
    close_outcomes=("no_violation",),
    follow_up_outcomes=("shortcomings", "violation_no_discipline", "referred"),
    discipline_outcomes=("discipline_warranted",),
    combined_track=True,
)

DEFINITION = WorkflowDefinition(
    name="inspection_violation",
    version=2,
    kind="inspection_violation",
    title="Kiểm tra khi có dấu hiệu vi phạm",
    initial="proposed",
    states=states(SHAPE),
    events=events(SHAPE),
    citation="Điều lệ Đảng điều 32 [S36]; QĐ 22-QĐ/TW, QĐ 296-QĐ/TW; QĐ 354-QĐ/UBKTTW [S27, "
             "S28] (domain.md §2.1); kết quả kiểm tra: danh mục chưa xác nhận",
    in_force_from=QD22_FROM,
)
