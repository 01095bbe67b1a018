"""Inspection of asset and income declarations (kê khai tài sản, thu nhập), v1.

Type D (domain.md §1.2, §2.5): on a plan, credible reports of a dishonest
declaration, or signs of violation [S37]; the content is the declarations
and annual changes of the cadre, spouse and minor children and where any
increase came from. QĐ 296 art. 3 defines asset and income control and
verification [S2]. No step-by-step UBKT procedure is confirmed, so this uses
the QĐ 354 shape (explanation of changes, verification, conclusion) with the
discipline and combined tracks; the outcome categories are defaults.
"""

from __future__ import annotations

from workflows.definitions._common import QD22_FROM
from workflows.definitions._inspection import EXPLANATION, Shape, events, states
from workflows.engine import FieldSpec, SubjectKind, WorkflowDefinition

GROUNDS = (
    ("plan", "Theo kế hoạch"),
    ("dishonest_report", "Có phản ánh kê khai không trung thực"),
    ("signs_of_violation", "Có dấu hiệu vi phạm"),
)
OUTCOMES = (
    ("honest", "Kê khai trung thực, biến động được giải trình hợp lý"),
    ("incomplete", "Kê khai chưa đầy đủ: bổ sung, rút kinh nghiệm"),
    ("dishonest", "Kê khai không trung thực: xem xét kỷ luật"),
    ("referred", "Chuyển cơ quan có thẩm quyền xác minh, xử lý"),
)

SHAPE = Shape(
    report=EXPLANATION,
    outcomes=OUTCOMES,
    close_outcomes=("honest",),
    follow_up_outcomes=("incomplete", "referred"),
    discipline_outcomes=("dishonest",),
    combined_track=True,
    decide_fields=(FieldSpec("ground", "choice", "Căn cứ kiểm tra", choices=GROUNDS),),
    close_label="Kết thúc: kê khai trung thực",
)

DEFINITION = WorkflowDefinition(
    name="asset_declaration",
    version=1,
    kind="asset_declaration",
    title="Kiểm tra việc kê khai tài sản, thu nhập",
    initial="proposed",
    states=states(SHAPE),
    events=events(SHAPE),
    subjects=SubjectKind(member=True, organisation=False),
    citation="QĐ 296-QĐ/TW điều 3 [S2]; quy định mẫu của Quảng Trị [S37] (domain.md §2.5); "
             "trình tự của UBKT: chưa xác nhận",
    in_force_from=QD22_FROM,
)
