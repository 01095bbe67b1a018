"""Denunciation (giải quyết tố cáo), v2: the QĐ 296 era (from 30/5/2025).

Same procedure as v1 (``denunciation_v1.build``), with the QĐ 296 rules:
an anonymous or false-name letter with specific content is not handled as a
denunciation but kept as information that may ground an inspection on signs
of violation (QĐ 296 art. 19 per [S4, items 84–85]; domain.md §2.6, §5) —
the ``propose_inspection`` event opens it as a linked case. The QĐ 296
grounds, time limits and the "false accusation" category are unconfirmed
(addendum rows 1c-4, 1d-2): every one is a default with its citation.
"""

from __future__ import annotations

from types import MappingProxyType

from workflows.calendar import Unit
from workflows.definitions._common import QD296_FROM
from workflows.definitions.denunciation_v1 import OUTCOMES, build
from workflows.engine import DeadlineRule

RESOLUTION = DeadlineRule(
    "resolution", "Thời hạn giải quyết tố cáo", 90, Unit.WORKING_DAYS,
    "QĐ 296: chưa xác nhận (domain.md phụ lục dòng 1c-4); mặc định 90 ngày làm việc ở cấp tỉnh "
    "trở xuống theo hướng dẫn thời QĐ 30 [S20, S21] (§4); QĐ 22 điều 20: 90 ngày (dòng 1c-1); "
    "tính từ ngày tổ chức đảng có thẩm quyền nhận đơn [S22]",
    is_confirmed=False, can_pause=True,
    by_rule_set=MappingProxyType({"qd22": (90, Unit.CALENDAR_DAYS)}),
)

DEFINITION = build(
    2, "qd296", QD296_FROM, RESOLUTION, information=True,
    outcomes=(*OUTCOMES, ("false_accusation", "Tố cáo sai, có dấu hiệu vu cáo (chưa xác nhận "
                                              "[S4])")),
    citation="QĐ 296-QĐ/TW điều 18–19 [S4, mục 84–85]; QĐ 164-QĐ/TW [S23, S24]; HD 07-HD/UBKTTW "
             "[S22] (domain.md §2.6, §4, §5)",
)
